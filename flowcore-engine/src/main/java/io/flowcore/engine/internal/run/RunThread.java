package io.flowcore.engine.internal.run;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A body running on its own virtual thread with a run context, registered with its flow run so that
 * a cancellation or timeout can interrupt it.
 */
final class RunThread {
    final Thread thread;
    final CompletableFuture<Object> result = new CompletableFuture<>();

    private RunThread(FlowScope scope, ExecutionContext ctx, String name, Callable<?> body) {
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> {
            Thread me = Thread.currentThread();
            scope.threads.add(me);
            EngineRuntime.swap(ctx);
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                scope.threads.remove(me);
            }
        });
    }

    static RunThread start(FlowScope scope, ExecutionContext ctx, String name, Callable<?> body) {
        RunThread t = new RunThread(scope, ctx, name, body);
        t.thread.start();
        return t;
    }
}
