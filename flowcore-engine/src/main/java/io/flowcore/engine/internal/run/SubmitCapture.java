package io.flowcore.engine.internal.run;

import io.flowcore.engine.internal.discovery.TaskDefinition;
import java.util.concurrent.Callable;

/**
 * The one task call captured inside {@code Tasks.submit(() -> task(args))} or {@code Tasks.submit(this::task, args)}.
 */
final class SubmitCapture {
    TaskDefinition task;
    Object[] args;
    Callable<?> body;
    int calls;

    void capture(TaskDefinition t, Object[] a, Callable<?> b) {
        calls++;
        task = t;
        args = a;
        body = b;
    }
}
