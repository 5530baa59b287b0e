package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.flowcore.api.deployment.InvalidParametersException;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a run's parameters, a JSON object by parameter name, into the arguments of its {@code @Flow}
 * method: each value is converted to the parameter's declared type (generics included: {@code List<Integer>},
 * records, enums, {@code LocalDate}, {@code Path}), then the method's Bean Validation constraints are
 * checked ({@code @Min}, {@code @Max}, {@code @Pattern}, {@code @NotNull}, {@code @Valid} records…).
 * A missing or null value is the Java default of its type (null, 0, false), checked like any other.
 */
public final class ParameterBinder {
    private ParameterBinder() {
    }

    /**
     * The arguments to call {@code m} with.
     *
     * @param parametersJson a JSON object, e.g. {@code {"month": 3, "color": "yellow"}}
     * @throws InvalidParametersException listing every value that cannot be converted, breaks a constraint,
     *                                    or names no parameter
     * @throws IllegalArgumentException   when {@code parametersJson} is not a JSON object
     */
    public static Object[] bind(Method m, String parametersJson) {
        JsonNode tree = parse(parametersJson);
        Shape shape = SHAPES.get(m.getDeclaringClass()).computeIfAbsent(m, Shape::new);
        List<String> names = shape.names;
        List<Violation> found = new ArrayList<>();
        if (tree.size() > 0) {
            for (Map.Entry<String, JsonNode> e : tree.properties()) {
                if (!names.contains(e.getKey())) {
                    found.add(new Violation(e.getKey(), ParameterJson.render(e.getValue()), Violations.notAParameter(names)));
                }
            }
        }
        Object[] args = new Object[names.size()];
        List<String> unconverted = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            JsonNode node = tree.get(names.get(i));
            args[i] = shape.defaults[i];
            if (node == null || node.isNull()) continue;
            try {
                args[i] = shape.convert(i, node);
            } catch (IOException | RuntimeException e) {
                found.add(conversion(names.get(i), node, e));
                unconverted.add(names.get(i));
            }
        }
        for (Violation v : Constraints.check(m, args, names)) {
            // a value that could not be converted was reported already; its stand-in zero is not the value
            if (!unconverted.contains(Violations.topLevel(v.path()))) found.add(v);
        }
        if (!found.isEmpty()) throw new InvalidParametersException(Violations.sorted(found, names));
        return args;
    }

    /**
     * Checks the arguments of a direct Java call of {@code m} against its constraints, as {@link #bind} checks
     * converted ones.
     *
     * @param names {@code m}'s parameter names, for the violations' paths
     * @throws InvalidParametersException naming each bad parameter
     */
    public static void check(Method m, Object[] args, List<String> names) {
        List<Violation> found = Constraints.check(m, args, names);
        if (!found.isEmpty()) throw new InvalidParametersException(Violations.sorted(found, names));
    }

    /** Per class, what binding needs of each of its methods, worked out on a method's first run. */
    private static final ClassValue<Map<Method, Shape>> SHAPES = new ClassValue<>() {
        @Override
        protected Map<Method, Shape> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /**
     * A method's parameter names, default values and readers. A JSON value that already is what an
     * {@code int}, {@code long}, {@code boolean} or {@code String} parameter takes is used as it is (what
     * Jackson's own deserializer would make of it); anything else goes through the parameter's reader.
     */
    private static final class Shape {
        final List<String> names;
        final Object[] defaults;
        final Class<?>[] raw;
        final ObjectReader[] readers;

        Shape(Method m) {
            Parameter[] parameters = m.getParameters();
            names = Arrays.stream(parameters).map(Parameter::getName).toList();
            defaults = new Object[parameters.length];
            raw = new Class<?>[parameters.length];
            readers = new ObjectReader[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                raw[i] = parameters[i].getType();
                defaults[i] = io.flowcore.engine.internal.run.Defaults.of(raw[i]);
                readers[i] = ParameterJson.MAPPER.readerFor(
                        ParameterJson.MAPPER.getTypeFactory().constructType(parameters[i].getParameterizedType()));
            }
        }

        Object convert(int i, JsonNode node) throws IOException {
            Class<?> t = raw[i];
            if ((t == int.class || t == Integer.class) && node.isInt()) return node.intValue();
            if ((t == long.class || t == Long.class) && (node.isInt() || node.isLong())) return node.longValue();
            if ((t == boolean.class || t == Boolean.class) && node.isBoolean()) return node.booleanValue();
            if (t == String.class && node.isTextual()) return node.textValue();
            return readers[i].readValue(node);
        }
    }

    /** Loads what binding needs (the validator takes a few hundred milliseconds), e.g. as a worker starts. */
    public static void load() {
        Constraints.load();
    }

    static JsonNode parse(String parametersJson) {
        JsonNode tree;
        try {
            tree = ParameterJson.MAPPER.readTree(parametersJson == null ? "{}" : parametersJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameters must be a JSON object like {\"month\": 3}: "
                    + e.getOriginalMessage(), e);
        }
        if (tree == null || tree.isMissingNode()) return ParameterJson.MAPPER.createObjectNode();
        if (!tree.isObject()) {
            throw new IllegalArgumentException("parameters must be a JSON object like {\"month\": 3}, by parameter "
                    + "name; got " + ParameterJson.render(tree));
        }
        return tree;
    }

    /** Where in the parameter the conversion stopped, the value there, and what it had to be. */
    private static Violation conversion(String name, JsonNode node, Exception e) {
        StringBuilder path = new StringBuilder(name);
        JsonNode at = node;
        String message = "cannot be read: " + e.getClass().getSimpleName();
        if (e instanceof InputCoercionException ic) message = outOfRange(ic);
        if (e instanceof JsonMappingException jm) {
            for (JsonMappingException.Reference r : jm.getPath()) {
                if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                    at = at == null ? null : at.get(r.getIndex());
                } else {
                    path.append(r.getFrom() instanceof Map ? "[" + r.getFieldName() + "]" : "." + r.getFieldName());
                    at = at == null ? null : at.get(r.getFieldName());
                }
            }
            if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
                message = Violations.expected(SchemaWriter.of(mi.getTargetType()));
            } else if (e.getCause() != null && e.getCause().getMessage() != null) {
                // e.g. a record's constructor refused the value
                message = "cannot be read: " + e.getCause().getMessage().lines().findFirst().orElse("");
            } else {
                message = "cannot be read: " + jm.getOriginalMessage();
            }
        }
        return new Violation(path.toString(), ParameterJson.render(at == null ? node : at), message);
    }

    /** A JSON number too big for the parameter's integer type. */
    private static String outOfRange(InputCoercionException e) {
        Class<?> t = e.getTargetType();
        if (t == Integer.TYPE || t == Integer.class) return "must be an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        if (t == Long.TYPE || t == Long.class) return "must be an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        if (t == Short.TYPE || t == Short.class) return "must be an integer from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE;
        if (t == Byte.TYPE || t == Byte.class) return "must be an integer from " + Byte.MIN_VALUE + " to " + Byte.MAX_VALUE;
        return "is out of range: " + e.getOriginalMessage();
    }
}
