package io.flowcore.engine.internal.discovery;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunRecord;
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
 * A flow's or a task's state hooks by the final state they follow, resolved from {@link Flow#onCompletion()},
 * {@link Task#onCompletion()} and their siblings: each name must be a method of the class (or of a superclass)
 * taking {@code (FlowRunRecord, State)} for a flow, {@code (TaskRunRecord, State)} for a task, neither private
 * nor static. A task's hooks are resolved on the class declaring it, as its key and options are, so they depend
 * on the task method alone. Most flows and tasks have {@link #NONE}.
 */
public record Hooks(Map<StateType, List<Method>> byState) {
    public static final Hooks NONE = new Hooks(Map.of());

    public Hooks {
        byState = Map.copyOf(byState);
    }

    /** The hooks to call after a run ended in a state of {@code type}. */
    public List<Method> after(StateType type) {
        return byState.getOrDefault(type, List.of());
    }

    public boolean isEmpty() {
        return byState.isEmpty();
    }

    /** Resolves a flow's hook names on {@code type}; problems go into {@code errors}. */
    static Hooks ofFlow(Class<?> type, Method flow, Flow f, List<String> errors) {
        Resolver r = new Resolver("@Flow", type, flow, FlowRunRecord.class, errors);
        r.add("onCompletion", f.onCompletion(), StateType.COMPLETED);
        r.add("onFailure", f.onFailure(), StateType.FAILED);
        r.add("onCancellation", f.onCancellation(), StateType.CANCELLED);
        r.add("onCrashed", f.onCrashed(), StateType.CRASHED);
        return r.hooks();
    }

    /**
     * The hooks of a task method.
     *
     * @throws IllegalArgumentException naming the task, the attribute and the missing method
     */
    static Hooks ofTask(Method task) {
        List<String> errors = new ArrayList<>();
        Hooks hooks = ofTask(task, errors);
        if (!errors.isEmpty()) throw new IllegalArgumentException(String.join("; ", errors));
        return hooks;
    }

    /** Resolves a task's hook names; problems go into {@code errors}. */
    static Hooks ofTask(Method task, List<String> errors) {
        Task t = task.getAnnotation(Task.class);
        if (t == null || t.onCompletion().length + t.onFailure().length + t.onCancellation().length == 0) return NONE;
        Resolver r = new Resolver("@Task", task.getDeclaringClass(), task, TaskRunRecord.class, errors);
        r.add("onCompletion", t.onCompletion(), StateType.COMPLETED);
        r.add("onFailure", t.onFailure(), StateType.FAILED);
        r.add("onCancellation", t.onCancellation(), StateType.CANCELLED);
        return r.hooks();
    }

    /** Finds the named methods on one class for one annotated method, collecting what is wrong. */
    private record Resolver(String annotation, Class<?> type, Method annotated, Class<?> recordType,
                            List<String> errors, Map<StateType, List<Method>> found) {
        Resolver(String annotation, Class<?> type, Method annotated, Class<?> recordType, List<String> errors) {
            this(annotation, type, annotated, recordType, errors, new EnumMap<>(StateType.class));
        }

        void add(String attribute, String[] names, StateType state) {
            for (String name : names) {
                String at = annotation + "(" + attribute + " = \"" + name + "\") on " + type.getSimpleName() + "."
                        + annotated.getName() + "(): ";
                Method m = find(name);
                if (m == null) {
                    errors.add(at + missing(name));
                } else if (Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) {
                    errors.add(at + "state hook " + type.getSimpleName() + "." + name + signature()
                            + " must not be private or static");
                } else {
                    m.setAccessible(true);
                    found.computeIfAbsent(state, k -> new ArrayList<>()).add(m);
                }
            }
        }

        Hooks hooks() {
            return found.isEmpty() ? NONE : new Hooks(found);
        }

        private Method find(String name) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) if (m.getName().equals(name) && fits(m)) return m;
            }
            return null;
        }

        /** Why no method fits: a method of that name with other parameters, or the methods that would fit. */
        private String missing(String name) {
            TreeSet<String> fitting = new TreeSet<>();
            String sameName = null;
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Method x : c.getDeclaredMethods()) {
                    if (fits(x)) fitting.add(x.getName());
                    else if (x.getName().equals(name) && sameName == null) sameName = parameters(x);
                }
            }
            String s = type.getSimpleName() + " has no method " + name + signature();
            if (sameName != null) s += "; its " + name + sameName + " has other parameters than a "
                    + (recordType == TaskRunRecord.class ? "task" : "flow") + " hook takes";
            return s + (fitting.isEmpty() ? "; declare one" : "; the methods that fit are: " + String.join(", ", fitting));
        }

        private String signature() {
            return "(" + recordType.getSimpleName() + ", State)";
        }

        private boolean fits(Method m) {
            Class<?>[] p = m.getParameterTypes();
            return p.length == 2 && p[0] == recordType && p[1] == State.class;
        }

        private static String parameters(Method m) {
            StringBuilder b = new StringBuilder("(");
            for (Class<?> p : m.getParameterTypes()) b.append(b.length() > 1 ? ", " : "").append(p.getSimpleName());
            return b.append(')').toString();
        }
    }
}
