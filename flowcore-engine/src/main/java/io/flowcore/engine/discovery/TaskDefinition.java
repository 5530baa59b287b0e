package io.flowcore.engine.discovery;

import io.flowcore.api.TaskOptions;
import java.lang.reflect.Method;
import java.util.List;

/**
 * A task method as discovered: its identity, resolved options and parameter names.
 *
 * @param key        {@code <declaring class>#<method>(<parameter types>)}, stable across processes
 * @param method     the user's method
 * @param options    annotation values merged with configured overrides
 * @param paramNames parameter names (arg0… without {@code -parameters})
 */
public record TaskDefinition(String key, Method method, TaskOptions options, List<String> paramNames) {
    public TaskDefinition {
        paramNames = List.copyOf(paramNames);
    }
}
