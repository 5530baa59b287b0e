package io.flowcore.engine.internal.discovery;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a flow class and its annotated methods must follow to be intercepted, one rule per
 * check so each error names exactly what to change.
 */
final class MethodRules {
    private MethodRules() {
    }

    static List<String> checkClass(Class<?> type) {
        List<String> errors = new ArrayList<>();
        String n = type.getName();
        if (Modifier.isFinal(type.getModifiers())) {
            errors.add("class " + n + " is final: remove 'final' (flowcore subclasses it to intercept task calls)");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            errors.add("class " + n + " is abstract or an interface: pass a concrete class");
        }
        if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
            errors.add("class " + n + " is an inner class: make it 'static' or a top-level class");
        }
        if (type.isRecord() || type.isEnum()) {
            errors.add("class " + n + " is a record or enum, which cannot be subclassed: use a plain class");
        }
        if (Modifier.isPrivate(type.getModifiers())) {
            errors.add("class " + n + " is private: make it public or package-private");
        }
        if (!hasNoArgConstructor(type)) {
            errors.add("class " + n + " has no non-private no-argument constructor: add one");
        }
        return errors;
    }

    private static boolean hasNoArgConstructor(Class<?> type) {
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (c.getParameterCount() == 0 && !Modifier.isPrivate(c.getModifiers())) return true;
        }
        return false;
    }

    /** Errors for one annotated method; {@code kind} is "@Task" or "@Flow". */
    static List<String> checkMethod(Method m, String kind) {
        List<String> errors = new ArrayList<>();
        String where = kind + " method " + m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
        int mod = m.getModifiers();
        if (Modifier.isPrivate(mod)) {
            errors.add(where + " is private: make it public, protected or package-private so it can be intercepted");
        }
        if (Modifier.isStatic(mod)) {
            errors.add(where + " is static: make it an instance method so it can be intercepted");
        }
        if (Modifier.isFinal(mod)) {
            errors.add(where + " is final: remove 'final' so it can be intercepted");
        }
        return errors;
    }
}
