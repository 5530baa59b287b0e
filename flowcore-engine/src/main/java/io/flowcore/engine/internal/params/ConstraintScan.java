package io.flowcore.engine.internal.params;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Whether a flow method mentions Bean Validation at all, found by reflection alone. Most flows have no
 * constraints: asking the validator about them on every run costs a worker more than the rest of binding the
 * parameters, and a direct Java call of one must not load Hibernate Validator (a few hundred milliseconds of
 * class loading in a program's first flow run). Looks at the method's and its parameters' annotations, type
 * arguments included, on the method and on the methods it overrides (whose parameter constraints Hibernate
 * Validator applies too). An annotation counts when it is in a jakarta.validation package, is a @Constraint,
 * or is a Hibernate Validator one. When this says yes, the validator decides.
 */
final class ConstraintScan {
    private static final ClassValue<Map<Method, Boolean>> FOUND = new ClassValue<>() {
        @Override
        protected Map<Method, Boolean> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private ConstraintScan() {
    }

    static boolean mayHaveConstraints(Method m) {
        return FOUND.get(m.getDeclaringClass()).computeIfAbsent(m, ConstraintScan::scan);
    }

    private static boolean scan(Method m) {
        Deque<Class<?>> types = new ArrayDeque<>();
        types.add(m.getDeclaringClass());
        while (!types.isEmpty()) {
            Class<?> t = types.poll();
            try {
                if (mentions(t.getDeclaredMethod(m.getName(), m.getParameterTypes()))) return true;
            } catch (NoSuchMethodException e) {
                // not declared here: its supertypes may
            }
            if (t.getSuperclass() != null) types.add(t.getSuperclass());
            types.addAll(java.util.List.of(t.getInterfaces()));
        }
        return false;
    }

    private static boolean mentions(Method m) {
        if (anyValidation(m.getAnnotations())) return true;
        for (Parameter p : m.getParameters()) {
            if (anyValidation(p.getAnnotations()) || mentions(p.getAnnotatedType())) return true;
        }
        return false;
    }

    private static boolean mentions(AnnotatedType t) {
        if (t == null) return false;
        if (anyValidation(t.getAnnotations())) return true;
        if (t instanceof AnnotatedParameterizedType p) {
            for (AnnotatedType a : p.getAnnotatedActualTypeArguments()) if (mentions(a)) return true;
        } else if (t instanceof AnnotatedArrayType a) {
            return mentions(a.getAnnotatedGenericComponentType());
        } else if (t instanceof AnnotatedWildcardType w) {
            for (AnnotatedType b : w.getAnnotatedUpperBounds()) if (mentions(b)) return true;
        }
        return false;
    }

    private static boolean anyValidation(Annotation[] annotations) {
        for (Annotation a : annotations) {
            Class<? extends Annotation> type = a.annotationType();
            String name = type.getName();
            if (name.startsWith("jakarta.validation.") || name.startsWith("org.hibernate.validator.")
                    || type.isAnnotationPresent(jakarta.validation.Constraint.class)) {
                return true;
            }
        }
        return false;
    }
}
