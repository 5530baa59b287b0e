package io.flowcore.engine.discovery;

import io.flowcore.api.Flow;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;

/**
 * A flow method as discovered.
 *
 * @param name        the flow's name
 * @param signature   {@code method(paramTypes)}, used to find the method again when resuming
 * @param method      the user's method
 * @param annotation  the annotation
 * @param paramNames  parameter names
 */
public record FlowDefinition(String name, String signature, Method method, Flow annotation, List<String> paramNames) {
    public FlowDefinition {
        paramNames = List.copyOf(paramNames);
    }

    public Duration timeout() {
        return annotation.timeoutSeconds() > 0 ? Duration.ofNanos(Math.round(annotation.timeoutSeconds() * 1e9)) : null;
    }

    public Duration retryDelay() {
        return Duration.ofNanos(Math.round(annotation.retryDelaySeconds() * 1e9));
    }
}
