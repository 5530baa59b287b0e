package io.flowcore.engine.discovery;

import io.flowcore.api.Flow;
import io.flowcore.api.run.FlowRunRecord;
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
 * A flow's state hooks by the final state they follow, resolved from {@link Flow#onCompletion()} and its
 * siblings: each name must be a method of the flow class taking {@code (FlowRunRecord, State)}.
 */
public record FlowHooks(Map<StateType, List<Method>> byState) {
    public static final FlowHooks NONE = new FlowHooks(Map.of());

    public FlowHooks {
        byState = Map.copyOf(byState);
    }

    /** The hooks to call after a run ended in a state of {@code type}. */
    public List<Method> after(StateType type) {
        return byState.getOrDefault(type, List.of());
    }

    public boolean isEmpty() {
        return byState.isEmpty();
    }

    /** Resolves the annotation's hook names on {@code type}; problems go into {@code errors}. */
    static FlowHooks of(Class<?> type, Method flow, Flow f, List<String> errors) {
        Map<StateType, List<Method>> hooks = new EnumMap<>(StateType.class);
        add(type, flow, "onCompletion", f.onCompletion(), StateType.COMPLETED, hooks, errors);
        add(type, flow, "onFailure", f.onFailure(), StateType.FAILED, hooks, errors);
        add(type, flow, "onCancellation", f.onCancellation(), StateType.CANCELLED, hooks, errors);
        add(type, flow, "onCrashed", f.onCrashed(), StateType.CRASHED, hooks, errors);
        return hooks.isEmpty() ? NONE : new FlowHooks(hooks);
    }

    private static void add(Class<?> type, Method flow, String attribute, String[] names, StateType state,
                            Map<StateType, List<Method>> hooks, List<String> errors) {
        for (String name : names) {
            Method m = find(type, name);
            if (m == null) {
                TreeSet<String> fitting = new TreeSet<>();
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Method x : c.getDeclaredMethods()) if (fits(x)) fitting.add(x.getName());
                }
                errors.add("@Flow(" + attribute + " = \"" + name + "\") on " + type.getSimpleName() + "." + flow.getName()
                        + "(): " + type.getSimpleName() + " has no method " + name + "(FlowRunRecord, State)"
                        + (fitting.isEmpty() ? "; declare one" : "; the methods that fit are: " + String.join(", ", fitting)));
                continue;
            }
            if (Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) {
                errors.add("state hook " + type.getSimpleName() + "." + name + "(FlowRunRecord, State) must not be "
                        + "private or static");
                continue;
            }
            m.setAccessible(true);
            hooks.computeIfAbsent(state, k -> new ArrayList<>()).add(m);
        }
    }

    private static Method find(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) if (m.getName().equals(name) && fits(m)) return m;
        }
        return null;
    }

    private static boolean fits(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return p.length == 2 && p[0] == FlowRunRecord.class && p[1] == State.class;
    }
}
