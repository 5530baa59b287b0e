package io.flowcore.engine.internal.run;

import io.flowcore.api.RunCancelledException;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.state.State;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A submitted task run. A failure nobody observed through {@link #get()} fails the flow run at its end. */
final class TaskRunFuture<T> implements TaskFuture<T> {
    private final TaskRun run;
    private final FlowScope scope;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    TaskRunFuture(TaskRun run, FlowScope scope) {
        this.run = run;
        this.scope = scope;
    }

    @SuppressWarnings("unchecked")
    void complete(Object value) {
        result.complete((T) value);
    }

    void fail(Throwable t) {
        scope.failedUnobserved.add(this);
        result.completeExceptionally(t);
    }

    String name() {
        return run.name;
    }

    @Override
    public UUID taskRunId() {
        return run.id;
    }

    @Override
    public T get() {
        try {
            return unwrap(() -> result.get());
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public T get(Duration timeout) throws TimeoutException {
        return unwrap(() -> result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    private interface Wait<T> {
        T get() throws InterruptedException, ExecutionException, TimeoutException;
    }

    private T unwrap(Wait<T> wait) throws TimeoutException {
        try {
            return wait.get();
        } catch (ExecutionException e) {
            scope.failedUnobserved.remove(this);
            throw Sneaky.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("interrupted while waiting for " + run.label());
        }
    }

    @Override
    public State await() {
        try {
            result.join();
        } catch (RuntimeException ignored) {
            // the state tells
        }
        scope.failedUnobserved.remove(this);
        return run.state;
    }

    /** Waits for the end without observing a failure. */
    void awaitQuietly() throws InterruptedException {
        try {
            result.get();
        } catch (ExecutionException ignored) {
            // recorded in failedUnobserved
        }
    }

    @Override
    public State state() {
        return run.state;
    }
}
