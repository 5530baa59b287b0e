package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * Derives a JSON Schema (a draft 2020-12 subset: type, properties, items, additionalProperties, enum,
 * required, default, minimum, maximum, pattern, format "date", and for @Size/@NotEmpty minItems/maxItems,
 * minLength/maxLength, minProperties/maxProperties) from a method's generic parameter types and
 * their Bean Validation constraints.
 *
 * It follows what Hibernate Validator checks, not merely what is annotated: constraints on a parameter and
 * on its type arguments (List<@Max(12) Integer>) always count; a record's component constraints count only
 * where the record is cascaded with @Valid (on the record's position, or on the list holding it). A
 * primitive gets "default": its Java zero, which the binder passes when the value is missing, so the check
 * applies the default before the constraints exactly as the worker does. @Pattern matches the whole text in
 * Java, so the schema's pattern is anchored.
 */
final class SchemaWriter {
    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<Class<?>> INTEGERS = Set.of(int.class, long.class, short.class, byte.class, Integer.class,
            Long.class, Short.class, Byte.class, BigInteger.class);
    private static final Set<Class<?>> NUMBERS = Set.of(double.class, float.class, Double.class, Float.class,
            BigDecimal.class);

    private SchemaWriter() {
    }

    /** The schema of a JSON object holding {@code m}'s parameters by name. */
    static ObjectNode of(Method m) {
        ObjectNode root = NODES.objectNode();
        root.put("$schema", DRAFT);
        root.put("type", "object");
        ObjectNode properties = root.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (Parameter p : m.getParameters()) {
            List<Annotation> annotations = merged(p.getAnnotations(), p.getAnnotatedType().getAnnotations());
            properties.set(p.getName(), schema(p.getAnnotatedType(), annotations, true, false));
            if (isRequired(annotations)) required.add(p.getName());
        }
        if (!required.isEmpty()) root.set("required", required);
        root.put("additionalProperties", false);
        return root;
    }

    /** The schema of a type with no constraints: what a value must look like to be converted to it. */
    static ObjectNode of(Class<?> type) {
        return schema(new PlainType(type), List.of(), false, false);
    }

    /**
     * @param checked   whether the constraints here are checked (false inside a record not cascaded)
     * @param cascaded  whether an enclosing container carries {@code @Valid} for its elements
     */
    private static ObjectNode schema(AnnotatedType at, List<Annotation> annotations, boolean checked, boolean cascaded) {
        Class<?> raw = raw(at.getType());
        boolean valid = checked && (cascaded || has(annotations, Valid.class));
        ObjectNode s = NODES.objectNode();
        if (INTEGERS.contains(raw)) {
            s.put("type", "integer");
            if (raw.isPrimitive()) s.put("default", 0);
        } else if (NUMBERS.contains(raw)) {
            s.put("type", "number");
            if (raw.isPrimitive()) s.put("default", 0.0);
        } else if (raw == boolean.class || raw == Boolean.class) {
            s.put("type", "boolean");
            if (raw.isPrimitive()) s.put("default", false);
        } else if (raw == LocalDate.class) {
            s.put("type", "string").put("format", "date");
        } else if (raw.isEnum()) {
            s.put("type", "string");
            ArrayNode values = s.putArray("enum");
            for (Object c : raw.getEnumConstants()) values.add(((Enum<?>) c).name());
        } else if (CharSequence.class.isAssignableFrom(raw) || raw == Path.class || raw == char.class
                || raw == Character.class || raw.getName().startsWith("java.time.")) {
            s.put("type", "string");
        } else if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
            s.put("type", "array");
            AnnotatedType element = typeArgument(at, 0);
            if (element != null) s.set("items", schema(element, List.of(element.getAnnotations()), checked, valid));
        } else if (Map.class.isAssignableFrom(raw)) {
            s.put("type", "object");
            AnnotatedType value = typeArgument(at, 1);
            if (value != null) {
                s.set("additionalProperties", schema(value, List.of(value.getAnnotations()), checked, valid));
            }
        } else if (raw.isRecord()) {
            record(s, raw, valid);
        } else if (raw != Object.class) {
            s.put("type", "object");
        }
        if (checked) constraints(s, annotations);
        return s;
    }

    private static void record(ObjectNode s, Class<?> raw, boolean valid) {
        s.put("type", "object");
        ObjectNode properties = s.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (RecordComponent c : raw.getRecordComponents()) {
            List<Annotation> annotations;
            try {
                // Bean Validation annotations are not RECORD_COMPONENT ones: Java copies them to the field
                annotations = merged(raw.getDeclaredField(c.getName()).getAnnotations(),
                        c.getAnnotatedType().getAnnotations());
            } catch (NoSuchFieldException e) {
                annotations = List.of(c.getAnnotatedType().getAnnotations());
            }
            properties.set(c.getName(), schema(c.getAnnotatedType(), annotations, valid, false));
            if (valid && isRequired(annotations)) required.add(c.getName());
        }
        if (!required.isEmpty()) s.set("required", required);
    }

    private static void constraints(ObjectNode s, List<Annotation> annotations) {
        for (Annotation a : annotations) {
            switch (a) {
                case Min min -> s.put("minimum", min.value());
                case Max max -> s.put("maximum", max.value());
                case Pattern p -> s.put("pattern", "^(?:" + p.regexp() + ")$");
                case Size size -> {
                    String[] keys = sizeKeywords(s);
                    if (keys != null) s.put(keys[0], size.min()).put(keys[1], size.max());
                }
                case NotEmpty ignored -> {
                    String[] keys = sizeKeywords(s);
                    if (keys != null && !s.has(keys[0])) s.put(keys[0], 1);
                }
                default -> { }
            }
        }
    }

    /**
     * The size keywords of a schema's type ({@code minItems}/{@code maxItems}, ...), null for a type without a
     * size. {@code @Size} writes both (its message names both bounds), {@code @NotEmpty} only the minimum 1:
     * SchemaChecker tells them apart by that.
     */
    static String[] sizeKeywords(com.fasterxml.jackson.databind.JsonNode s) {
        return switch (s.path("type").asText("")) {
            case "array" -> new String[] {"minItems", "maxItems"};
            case "object" -> new String[] {"minProperties", "maxProperties"};
            case "string" -> s.has("format") || s.has("enum") ? null : new String[] {"minLength", "maxLength"};
            default -> null;
        };
    }

    /** {@code @NotNull}, and {@code @NotEmpty}, which refuses null too ("must not be empty"). */
    private static boolean isRequired(List<Annotation> annotations) {
        return has(annotations, NotNull.class) || has(annotations, NotEmpty.class);
    }

    /** Declaration and type-use annotations, each type once (one written on a parameter lands in both). */
    private static List<Annotation> merged(Annotation[] declared, Annotation[] typeUse) {
        Map<Class<?>, Annotation> byType = new LinkedHashMap<>();
        for (Annotation a : declared) byType.putIfAbsent(a.annotationType(), a);
        for (Annotation a : typeUse) byType.putIfAbsent(a.annotationType(), a);
        return new ArrayList<>(byType.values());
    }

    private static boolean has(List<Annotation> annotations, Class<? extends Annotation> type) {
        return annotations.stream().anyMatch(a -> a.annotationType() == type);
    }

    private static AnnotatedType typeArgument(AnnotatedType at, int index) {
        if (at instanceof AnnotatedArrayType array) return array.getAnnotatedGenericComponentType();
        if (at instanceof AnnotatedParameterizedType p) {
            AnnotatedType[] args = p.getAnnotatedActualTypeArguments();
            return args.length == 0 ? null : args[Math.min(index, args.length - 1)];
        }
        Class<?> raw = raw(at.getType());
        return raw.isArray() ? new PlainType(raw.getComponentType()) : null;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType p) return raw(p.getRawType());
        if (t instanceof java.lang.reflect.GenericArrayType g) return raw(g.getGenericComponentType()).arrayType();
        return Object.class; // a type variable or wildcard: anything
    }

    /** A type without annotations, for {@link #of(Class)}. */
    private record PlainType(Class<?> type) implements AnnotatedType {
        @Override
        public Type getType() {
            return type;
        }

        @Override
        public <T extends Annotation> T getAnnotation(Class<T> annotationClass) {
            return null;
        }

        @Override
        public Annotation[] getAnnotations() {
            return new Annotation[0];
        }

        @Override
        public Annotation[] getDeclaredAnnotations() {
            return new Annotation[0];
        }
    }
}
