package io.flowcore.engine.internal.run;

import io.flowcore.api.Task;
import io.flowcore.api.TaskOptions;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Options set in code for one task method, applied over its annotation's values. They apply to the
 * task methods named {@code method} declared in {@code flowClass} or in a subclass of it.
 *
 * @param flowClass the class declaring the task
 * @param method    the task method's name
 * @param change    gets the annotation's options, returns the ones to use
 * @throws IllegalArgumentException when {@code flowClass} declares no {@code @Task} method named {@code method}
 *                                  (a typo would otherwise be ignored without a word); the message lists its tasks
 */
public record TaskOverride(Class<?> flowClass, String method, UnaryOperator<TaskOptions> change) {
    public TaskOverride {
        Objects.requireNonNull(flowClass, "flowClass");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(change, "change");
        check(flowClass, method, Task.class, "taskOptions");
    }

    /** Fails unless {@code flowClass} declares a method named {@code method} annotated with {@code kind}. */
    static void check(Class<?> flowClass, String method, Class<? extends java.lang.annotation.Annotation> kind,
                      String configMethod) {
        String call = configMethod + "(" + flowClass.getSimpleName() + ".class, \"" + method + "\", ...): ";
        String at = "@" + kind.getSimpleName();
        // annotated methods of the class and its superclasses by name, nearest declaration first
        TreeMap<String, Class<?>> tasks = new TreeMap<>();
        for (Class<?> c = flowClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(kind)) tasks.putIfAbsent(m.getName(), c);
            }
        }
        Class<?> declaring = tasks.get(method);
        if (declaring == flowClass) return;
        if (declaring != null) {
            throw new IllegalArgumentException(call + at + " method '" + method + "' is declared in "
                    + declaring.getName() + ", and options given for " + flowClass.getName() + " apply only to methods "
                    + "declared there or in its subclasses: pass " + declaring.getSimpleName() + ".class");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(call + flowClass.getName() + " has no " + at + " methods: "
                    + "pass the class that declares it");
        }
        String list = "its " + at + " methods are: " + String.join(", ", new TreeSet<>(tasks.keySet()));
        if (hasMethod(flowClass, method)) {
            throw new IllegalArgumentException(call + flowClass.getName() + "." + method + "() is not a " + at + " method: "
                    + "annotate it with " + at + " or name one; " + list);
        }
        throw new IllegalArgumentException(call + flowClass.getName() + " has no " + at + " method named '" + method
                + "'; " + list);
    }

    private static boolean hasMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name)) return true;
            }
        }
        return false;
    }
}
