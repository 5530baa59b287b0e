package io.flowcore.engine.internal.discovery;

import io.flowcore.api.TaskOptions;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;

/**
 * A task method as discovered: its identity, resolved options, parameter names and state hooks.
 *
 * @param key        {@code <declaring class>#<method>(<parameter types>)}, stable across processes
 * @param method     the user's method
 * @param options    annotation values merged with configured overrides
 * @param paramNames parameter names (arg0… without {@code -parameters})
 * @param hooks      state hooks by the final state they follow ({@link Hooks#NONE} for most tasks)
 */
public record TaskDefinition(String key, Method method, TaskOptions options, List<String> paramNames, Hooks hooks) {
    public TaskDefinition {
        paramNames = List.copyOf(paramNames);
        Objects.requireNonNull(hooks, "hooks");
    }

    /**
     * A definition whose hooks are resolved from the method's annotation (they depend on the method alone).
     *
     * @throws IllegalArgumentException when a hook names no fitting method
     */
    public TaskDefinition(String key, Method method, TaskOptions options, List<String> paramNames) {
        this(key, method, options, paramNames, Hooks.ofTask(method));
    }
}
