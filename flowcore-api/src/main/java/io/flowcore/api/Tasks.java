package io.flowcore.api;

import io.flowcore.api.spi.FlowcoreRuntime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Concurrent task runs: {@code submit} and {@code map}, Prefect's {@code task.submit()} and {@code task.map()}.
 *
 * <p>A task is given either as a lambda that calls it ({@code Tasks.submit(() -> fetch(url))}) or as a
 * method reference with its arguments ({@code Tasks.submit(this::fetch, url)}); both capture exactly one
 * task call. Tasks that return nothing get a {@code TaskFuture<Void>}.
 *
 * <p>Overloads: each value-returning function type ({@link TaskFunction}, {@link TaskFunction2}) extends its
 * void twin, so javac picks the value form whenever a lambda or reference could be either, and the result
 * type is kept. The one consequence: a one-argument expression lambda whose body is a void call,
 * {@code s -> nap(s)}, is taken as the value form and does not compile; write {@code this::nap} or
 * {@code s -> { nap(s); }}.
 */
public final class Tasks {
    private Tasks() {
    }

    /**
     * Submits one task call to the flow run's concurrent task runner and returns at once.
     * {@code call} must call exactly one {@link Task} method, e.g. {@code Tasks.submit(() -> fetch(url))};
     * its arguments are evaluated now, on this thread.
     *
     * @throws IllegalStateException    outside a flow run
     * @throws IllegalArgumentException when {@code call} calls no task or several
     */
    public static <T> TaskFuture<T> submit(Callable<T> call) {
        return FlowcoreRuntime.get().submit(Objects.requireNonNull(call, "call"));
    }

    /**
     * {@link #submit(Callable)} for a task that returns nothing, e.g. {@code Tasks.submit(() -> nap(5))} or
     * {@code Tasks.submit(this::ping)}; the future's result is null.
     */
    public static TaskFuture<Void> submit(VoidTaskCall call) {
        Objects.requireNonNull(call, "call");
        return submit(() -> {
            call.call();
            return null;
        });
    }

    /**
     * Submits {@code task(arg)}, e.g. {@code Tasks.submit(this::fetch, url)}: the same as
     * {@code Tasks.submit(() -> fetch(url))}. {@code task} must be a reference to one {@link Task} method.
     */
    public static <A, T> TaskFuture<T> submit(TaskFunction<? super A, T> task, A arg) {
        Objects.requireNonNull(task, "task");
        return submit(() -> task.apply(arg));
    }

    /**
     * {@link #submit(TaskFunction, Object)} for a task that returns nothing, e.g. {@code Tasks.submit(this::nap, 5)}.
     */
    public static <A> TaskFuture<Void> submit(VoidTaskFunction<? super A> task, A arg) {
        Objects.requireNonNull(task, "task");
        return submit(() -> {
            task.accept(arg);
            return null;
        });
    }

    /** Submits {@code task(a, b)}, e.g. {@code Tasks.submit(this::load, table, rows)}. */
    public static <A, B, T> TaskFuture<T> submit(TaskFunction2<? super A, ? super B, T> task, A a, B b) {
        Objects.requireNonNull(task, "task");
        return submit(() -> task.apply(a, b));
    }

    /** {@link #submit(TaskFunction2, Object, Object)} for a task that returns nothing. */
    public static <A, B> TaskFuture<Void> submit(VoidTaskFunction2<? super A, ? super B> task, A a, B b) {
        Objects.requireNonNull(task, "task");
        return submit(() -> {
            task.accept(a, b);
            return null;
        });
    }

    /** Submits {@code task} once per item, in order, e.g. {@code Tasks.map(urls, this::fetch)}. */
    public static <A, T> List<TaskFuture<T>> map(Collection<? extends A> items, TaskFunction<? super A, T> task) {
        Objects.requireNonNull(task, "task");
        List<TaskFuture<T>> futures = new ArrayList<>(items.size());
        for (A item : items) futures.add(submit(task, item));
        return futures;
    }

    /**
     * {@link #map(Collection, TaskFunction)} for a task that returns nothing, e.g.
     * {@code Tasks.map(seconds, this::nap)} (a lambda needs a block body: {@code s -> { nap(s); }}).
     */
    public static <A> List<TaskFuture<Void>> map(Collection<? extends A> items, VoidTaskFunction<? super A> task) {
        Objects.requireNonNull(task, "task");
        List<TaskFuture<Void>> futures = new ArrayList<>(items.size());
        for (A item : items) futures.add(submit(task, item));
        return futures;
    }

    /** Waits for all futures and returns their results in order; rethrows the first failure. */
    public static <T> List<T> results(List<TaskFuture<T>> futures) {
        List<T> out = new ArrayList<>(futures.size());
        for (TaskFuture<T> f : futures) out.add(f.get());
        return out;
    }

    /** A call of one task that returns nothing, e.g. {@code () -> nap(5)}; may throw what the task throws. */
    @FunctionalInterface
    public interface VoidTaskCall {
        void call() throws Exception;
    }

    /** One call of a task with one argument that returns nothing, e.g. {@code this::nap}. */
    @FunctionalInterface
    public interface VoidTaskFunction<A> {
        void accept(A item) throws Exception;
    }

    /**
     * One task call per item, e.g. {@code this::fetch}; may throw what the task throws. Extends
     * {@link VoidTaskFunction} (dropping the result) only so that overloads prefer this value form.
     */
    @FunctionalInterface
    public interface TaskFunction<A, T> extends VoidTaskFunction<A> {
        T apply(A item) throws Exception;

        @Override
        default void accept(A item) throws Exception {
            apply(item);
        }
    }

    /** One call of a task with two arguments that returns nothing. */
    @FunctionalInterface
    public interface VoidTaskFunction2<A, B> {
        void accept(A a, B b) throws Exception;
    }

    /** One call of a task with two arguments, e.g. {@code this::load}; extends its void twin as TaskFunction does. */
    @FunctionalInterface
    public interface TaskFunction2<A, B, T> extends VoidTaskFunction2<A, B> {
        T apply(A a, B b) throws Exception;

        @Override
        default void accept(A a, B b) throws Exception {
            apply(a, b);
        }
    }
}
