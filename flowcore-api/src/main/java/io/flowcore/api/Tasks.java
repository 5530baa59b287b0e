package io.flowcore.api;

import io.flowcore.api.spi.FlowcoreRuntime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

/** Concurrent task runs: {@code submit} and {@code map}, Prefect's {@code task.submit()} and {@code task.map()}. */
public final class Tasks {
    private Tasks() {
    }

    /**
     * Submits one task call to the flow run's concurrent task runner and returns at once.
     * {@code call} must call exactly one {@link Task} method, e.g. {@code Tasks.submit(() -> fetch(url))};
     * its arguments are evaluated now, on this thread.
     *
     * @throws IllegalStateException outside a flow run, or when {@code call} calls no task or several
     */
    public static <T> TaskFuture<T> submit(Callable<T> call) {
        return FlowcoreRuntime.get().submit(call);
    }

    /** Submits {@code task} once per item, in order. */
    public static <A, T> List<TaskFuture<T>> map(Collection<? extends A> items, TaskFunction<? super A, T> task) {
        List<TaskFuture<T>> futures = new ArrayList<>(items.size());
        for (A item : items) futures.add(submit(() -> task.apply(item)));
        return futures;
    }

    /** One task call per item, e.g. {@code this::fetch}; may throw what the task throws. */
    @FunctionalInterface
    public interface TaskFunction<A, T> {
        T apply(A item) throws Exception;
    }

    /** Waits for all futures and returns their results in order; rethrows the first failure. */
    public static <T> List<T> results(List<TaskFuture<T>> futures) {
        List<T> out = new ArrayList<>(futures.size());
        for (TaskFuture<T> f : futures) out.add(f.get());
        return out;
    }
}
