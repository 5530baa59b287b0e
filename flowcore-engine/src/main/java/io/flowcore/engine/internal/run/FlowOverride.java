package io.flowcore.engine.internal.run;

import io.flowcore.api.Flow;
import io.flowcore.api.FlowOptions;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Options set in code for one flow method, applied over its annotation's values, like {@link TaskOverride}
 * for tasks: they apply to the flow methods named {@code method} declared in {@code flowClass} or a subclass.
 *
 * @throws IllegalArgumentException when {@code flowClass} declares no {@code @Flow} method named {@code method};
 *                                  the message lists its flows
 */
public record FlowOverride(Class<?> flowClass, String method, UnaryOperator<FlowOptions> change) {
    public FlowOverride {
        Objects.requireNonNull(flowClass, "flowClass");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(change, "change");
        TaskOverride.check(flowClass, method, Flow.class, "flowOptions");
    }
}
