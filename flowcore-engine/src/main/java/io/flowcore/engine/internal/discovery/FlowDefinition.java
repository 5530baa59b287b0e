package io.flowcore.engine.internal.discovery;

import io.flowcore.api.FlowOptions;
import java.lang.reflect.Method;
import java.util.List;

/**
 * A flow method as discovered.
 *
 * @param name        the flow's name
 * @param signature   {@code method(paramTypes)}, used to find the method again when resuming
 * @param method      the user's method
 * @param options     the annotation's options, with overrides set in code once the engine resolved it
 * @param paramNames  parameter names
 * @param hooks       state hooks by the final state they follow
 */
public record FlowDefinition(String name, String signature, Method method, FlowOptions options, List<String> paramNames,
                             Hooks hooks) {
    public FlowDefinition {
        paramNames = List.copyOf(paramNames);
    }

    public FlowDefinition withOptions(FlowOptions o) {
        return new FlowDefinition(name, signature, method, o, paramNames, hooks);
    }
}
