package io.flowcore.engine.internal.discovery;

import java.util.concurrent.Callable;

/**
 * Where intercepted calls go: the engine's runtime decides whether a call becomes a task run, a
 * flow run or a plain call. There is one per JVM; the runtime installs it before any flow class is
 * generated.
 */
public interface CallDispatcher {

    Object onTask(TaskDefinition task, Object self, Object[] args, Callable<?> body) throws Exception;

    Object onFlow(FlowDefinition flow, Object self, Object[] args, Callable<?> body) throws Exception;
}
