package io.flowcore.engine.internal.discovery;

import java.util.concurrent.Callable;
import net.bytebuddy.implementation.bind.annotation.AllArguments;
import net.bytebuddy.implementation.bind.annotation.RuntimeType;
import net.bytebuddy.implementation.bind.annotation.SuperCall;
import net.bytebuddy.implementation.bind.annotation.This;

/** The delegation target generated subclasses call: one instance per intercepted method. Public for Byte Buddy only. */
public final class Interceptor {
    private final TaskDefinition task;
    private final FlowDefinition flow;

    Interceptor(TaskDefinition task, FlowDefinition flow) {
        this.task = task;
        this.flow = flow;
    }

    @RuntimeType
    public Object intercept(@This Object self, @AllArguments Object[] args, @SuperCall Callable<?> body)
            throws Exception {
        CallDispatcher d = FlowClass.dispatcher;
        return task != null ? d.onTask(task, self, args, body) : d.onFlow(flow, self, args, body);
    }
}
