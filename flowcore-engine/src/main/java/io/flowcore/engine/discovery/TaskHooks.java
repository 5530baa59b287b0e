package io.flowcore.engine.discovery;

import io.flowcore.api.Task;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A task's state hooks by the final state they follow, resolved from {@link Task#onCompletion()} and its
 * siblings: each name must be a method of the class declaring the task (or of a superclass) taking
 * {@code (TaskRunRecord, State)}. They are resolved where the task is declared, as its key and its
 * options are, so they depend on the task method alone. A task without hooks has {@link #NONE}.
 */
public record TaskHooks(Map<StateType, List<Method>> byState) {
    public static final TaskHooks NONE = new TaskHooks(Map.of());

    public TaskHooks {
        byState = Map.copyOf(byState);
    }

    /** The hooks to call after a task run ended in a state of {@code type}. */
    public List<Method> after(StateType type) {
        return byState.getOrDefault(type, List.of());
    }

    public boolean isEmpty() {
        return byState.isEmpty();
    }

    /**
     * The hooks of a task method.
     *
     * @throws IllegalArgumentException naming the task, the attribute and the missing method
     */
    static TaskHooks of(Method task) {
        List<String> errors = new ArrayList<>();
        TaskHooks hooks = of(task, errors);
        if (!errors.isEmpty()) throw new IllegalArgumentException(String.join("; ", errors));
        return hooks;
    }

    /** Resolves the annotation's hook names of {@code task}; problems go into {@code errors}. */
    static TaskHooks of(Method task, List<String> errors) {
        Task t = task.getAnnotation(Task.class);
        if (t == null || t.onCompletion().length + t.onFailure().length + t.onCancellation().length == 0) return NONE;
        Map<StateType, List<Method>> hooks = new EnumMap<>(StateType.class);
        add(task, "onCompletion", t.onCompletion(), StateType.COMPLETED, hooks, errors);
        add(task, "onFailure", t.onFailure(), StateType.FAILED, hooks, errors);
        add(task, "onCancellation", t.onCancellation(), StateType.CANCELLED, hooks, errors);
        return hooks.isEmpty() ? NONE : new TaskHooks(hooks);
    }

    private static void add(Method task, String attribute, String[] names, StateType state,
                            Map<StateType, List<Method>> hooks, List<String> errors) {
        Class<?> type = task.getDeclaringClass();
        for (String name : names) {
            String at = "@Task(" + attribute + " = \"" + name + "\") on " + type.getSimpleName() + "." + task.getName()
                    + "(): ";
            Method m = find(type, name);
            if (m == null) {
                errors.add(at + missing(type, name));
                continue;
            }
            if (Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) {
                errors.add(at + "state hook " + type.getSimpleName() + "." + name
                        + "(TaskRunRecord, State) must not be private or static");
                continue;
            }
            m.setAccessible(true);
            hooks.computeIfAbsent(state, k -> new ArrayList<>()).add(m);
        }
    }

    /** Why no method fits: a method of that name with other parameters, or the methods that would fit. */
    private static String missing(Class<?> type, String name) {
        TreeSet<String> fitting = new TreeSet<>();
        String sameName = null;
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method x : c.getDeclaredMethods()) {
                if (fits(x)) fitting.add(x.getName());
                else if (x.getName().equals(name) && sameName == null) sameName = parameters(x);
            }
        }
        String s = type.getSimpleName() + " has no method " + name + "(TaskRunRecord, State)";
        if (sameName != null) s += "; its " + name + sameName + " has other parameters than a task hook takes";
        return s + (fitting.isEmpty() ? "; declare one" : "; the methods that fit are: " + String.join(", ", fitting));
    }

    private static String parameters(Method m) {
        StringBuilder b = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) b.append(b.length() > 1 ? ", " : "").append(p.getSimpleName());
        return b.append(')').toString();
    }

    private static Method find(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) if (m.getName().equals(name) && fits(m)) return m;
        }
        return null;
    }

    private static boolean fits(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return p.length == 2 && p[0] == TaskRunRecord.class && p[1] == State.class;
    }
}
