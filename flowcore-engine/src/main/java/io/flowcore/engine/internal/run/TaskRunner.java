package io.flowcore.engine.internal.run;

import io.flowcore.api.CacheMode;
import io.flowcore.api.RunCancelledException;
import io.flowcore.api.RunTimeoutException;
import io.flowcore.api.TaskOptions;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.state.State;
import io.flowcore.engine.internal.discovery.TaskDefinition;
import io.flowcore.engine.internal.state.States;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * The life of a task run, in order (engine ordering matters):
 *   create      Pending, with its name, index, cache key and upstream edges
 *   resume      a completed run of the same call in the run being resumed → Completed "Resumed"
 *   cache       a valid entry for the cache key → Completed "Cached"
 *   limits      wait for a slot of each tag's concurrency limit
 *   attempts    Running/Retrying → body (inline, or on its own thread when it has a timeout)
 *               failure + retry policy says so → AwaitingRetry → sleep → next attempt; a timed-out
 *               attempt is retried only once its thread has ended, so attempts never overlap
 *               failure → Failed (TimedOut for a timeout, Cancelled when the flow run is cancelled)
 *   success     persist result → cache entry → Completed
 *   hooks       each final state above, once committed → the task's state hooks (StateHooks.afterTask)
 * States only change through Transitions.
 */
final class TaskRunner {
    private final Engine engine;

    TaskRunner(Engine engine) {
        this.engine = engine;
    }

    /** A task call inside a flow run, executed on the calling thread. */
    Object call(FlowScope scope, TaskDefinition task, Object[] args, Callable<?> body) throws Exception {
        TaskRun run = create(scope, task, args, false);
        return execute(scope, run, args, body);
    }

    /** A task call submitted to run concurrently on a virtual thread. */
    TaskRunFuture<Object> submit(FlowScope scope, TaskDefinition task, Object[] args, Callable<?> body) {
        TaskRun run = create(scope, task, args, true);
        TaskRunFuture<Object> future = new TaskRunFuture<>(run, scope);
        scope.running.add(future);
        scope.submittedCount.incrementAndGet();
        Thread.ofVirtual().name("flowcore-task-" + run.name).start(() -> {
            Thread me = Thread.currentThread();
            scope.threads.add(me);
            try {
                record(scope, run);
                future.complete(execute(scope, run, args, body));
            } catch (Throwable t) {
                future.fail(t);
            } finally {
                scope.threads.remove(me);
                scope.running.remove(future);
            }
        });
        return future;
    }

    /**
     * A new task run, Pending. A called one is recorded in the store at once; a submitted one ({@code defer}) when
     * its thread starts ({@link #record}), so that its Pending row and its first states reach the store's writer
     * together and are written as one row rather than a row and then an update (Tasks.map of 10,000 tasks would
     * otherwise queue 10,000 rows whose states all follow in later batches). A submitted task run whose thread has
     * not started yet is therefore not in the store; the flow run waits for every submitted one before it ends.
     */
    private TaskRun create(FlowScope scope, TaskDefinition def, Object[] args, boolean defer) {
        TaskDefinition task = engine.resolve(def);
        TaskOptions o = task.options();
        int index = scope.nextIndex(task.key());
        String name = o.taskRunName().isEmpty() ? o.name() + "-" + index
                : RunNames.fill(o.taskRunName(), task.paramNames(), args);
        Instant now = engine.clock.instant();
        String cacheKey = null;
        String keyError = null;
        if (o.cache() != CacheMode.NONE) {
            try {
                cacheKey = CacheKeys.of(task, args);
            } catch (IllegalArgumentException e) {
                keyError = e.getMessage();
            }
        }
        TaskRun run = new TaskRun(Ids.next(), name, index, task, cacheKey, States.pending(now));
        List<java.util.UUID> upstream = scope.lineage.upstreamOf(args);
        run.unrecorded = new TaskRunRecord(run.id, scope.id, task.key(), name, index, cacheKey, upstream, run.state, null,
                now);
        if (!defer || keyError != null) record(scope, run);
        if (keyError != null) {
            IllegalArgumentException e = new IllegalArgumentException(keyError);
            finish(scope, run, States.failed(engine.clock.instant(), keyError), null, e);
            throw e;
        }
        return run;
    }

    /** Writes the task run's Pending row, once, before any of its states. */
    private void record(FlowScope scope, TaskRun run) {
        TaskRunRecord r = run.unrecorded;
        if (r == null) return;
        run.unrecorded = null;
        engine.store.insertTaskRun(scope.claim, r);
    }

    private Object execute(FlowScope scope, TaskRun run, Object[] args, Callable<?> body) throws Exception {
        TaskOptions o = run.task.options();
        Optional<Object> reused = reuse(scope, run);
        if (reused.isPresent()) return reused.get() == NULL ? null : reused.get();
        List<java.util.concurrent.Semaphore> slots = engine.limits.acquire(o.tags(), run, scope);
        try {
            return attempts(scope, run, o, body);
        } finally {
            engine.limits.release(slots);
        }
    }

    private static final Object NULL = new Object();

    /** A result from the run being resumed, or from the cache. */
    private Optional<Object> reuse(FlowScope scope, TaskRun run) {
        TaskRunRecord previous = scope.resumable().get(FlowScope.resumeKey(run.task.key(), run.index));
        if (previous != null) {
            Optional<Object> value = engine.results.read(previous.resultRef(), run.task.method());
            if (value.isPresent()) {
                finish(scope, run, States.resumed(engine.clock.instant(), previous.name()), previous.resultRef(), null);
                return hit(scope, run, value.get());
            }
        }
        TaskOptions o = run.task.options();
        if (run.cacheKey != null && !o.refreshCache()) {
            Optional<CacheEntry> entry = engine.store.findCache(run.cacheKey);
            if (entry.isPresent() && entry.get().validAt(engine.clock.instant())) {
                Optional<Object> value = engine.results.read(entry.get().resultRef(), run.task.method());
                if (value.isPresent()) {
                    finish(scope, run, States.cached(engine.clock.instant()), entry.get().resultRef(), null);
                    return hit(scope, run, value.get());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Object> hit(FlowScope scope, TaskRun run, Object value) {
        if (value == Results.NULL_VALUE) return Optional.of(NULL);
        scope.lineage.record(value, run.id);
        return Optional.of(value);
    }

    private Object attempts(FlowScope scope, TaskRun run, TaskOptions o, Callable<?> body) throws Exception {
        for (int attempt = 1; ; attempt++) {
            if (scope.cancelRequested) {
                RunCancelledException e = new RunCancelledException(run.label() + " was cancelled before it started");
                finish(scope, run, States.cancelled(engine.clock.instant(), e.getMessage()), null, null);
                throw e;
            }
            Instant now = engine.clock.instant();
            run.state = engine.transitions.taskRun(scope.claim, run.id, run.label(), run.state,
                    attempt == 1 ? States.running(now) : States.retrying(now), null);
            ExecutionContext ctx = new ExecutionContext(scope, run, attempt, o.logPrints());
            Object value;
            try {
                value = invoke(scope, run, ctx, body, o.timeout());
            } catch (Throwable error) {
                if (scope.cancelRequested && !(error instanceof RunTimeoutException)) {
                    finish(scope, run, States.cancelled(engine.clock.instant(), "flow run cancelled"), null, null);
                    throw Sneaky.rethrow(error);
                }
                if (o.retry().shouldRetry(attempt, error)) {
                    Duration delay = o.retry().delayBefore(attempt, ThreadLocalRandom.current()::nextDouble);
                    Instant at = engine.clock.instant();
                    run.state = engine.transitions.taskRun(scope.claim, run.id, run.label(), run.state,
                            States.awaitingRetry(at, at.plus(delay), Errors.describe(error)), null);
                    engine.logs.forTask(scope, run).warn("Received non-final state 'AwaitingRetry' when proposing "
                            + "final state 'Failed' and will attempt to run again in {} s: {}",
                            delay.toMillis() / 1000.0, Errors.describe(error));
                    engine.sleeper.sleep(delay);
                    continue;
                }
                State end = error instanceof RunTimeoutException
                        ? States.timedOut(engine.clock.instant(), error.getMessage())
                        : States.failed(engine.clock.instant(), "Task run encountered an exception: " + Errors.describe(error));
                finish(scope, run, end, null, error);
                throw Sneaky.rethrow(error);
            }
            if (scope.cancelRequested) {
                // the body returned, but after the flow run was cancelled (it swallowed the interrupt)
                finish(scope, run, States.cancelled(engine.clock.instant(), "flow run cancelled"), null, null);
                throw new RunCancelledException(run.label() + " was cancelled");
            }
            String ref = o.persistResult() ? engine.results.write(run, value) : null;
            if (run.cacheKey != null && ref != null) {
                Instant at = engine.clock.instant();
                engine.store.putCache(new CacheEntry(run.cacheKey, ref, run.id,
                        o.cacheExpiration() == null ? null : at.plus(o.cacheExpiration())));
            }
            finish(scope, run, States.completed(engine.clock.instant()), ref, null);
            scope.lineage.record(value, run.id);
            return value;
        }
    }

    private Object invoke(FlowScope scope, TaskRun run, ExecutionContext ctx, Callable<?> body, Duration timeout)
            throws Exception {
        if (ctx.logPrints) OutputCapture.install();
        if (timeout == null) {
            ExecutionContext prev = EngineRuntime.swap(ctx);
            try {
                return body.call();
            } finally {
                EngineRuntime.swap(prev);
            }
        }
        RunThread thread = RunThread.start(scope, ctx, "flowcore-task-" + run.name, body);
        CompletableFuture<Object> result = thread.result;
        Thread worker = thread.thread;
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw Sneaky.rethrow(e.getCause());
        } catch (TimeoutException e) {
            worker.interrupt();
            RunTimeoutException timedOut = new RunTimeoutException(run.label() + " exceeded its timeout of "
                    + timeout.toMillis() / 1000.0 + " s");
            if (!scope.cancelRequested && run.task.options().retry().shouldRetry(ctx.attempt, timedOut)) {
                awaitStopped(scope, run, worker, timeout);
            } else if (!worker.join(Duration.ofSeconds(5))) {
                // no attempt follows, so nothing can overlap it: end TimedOut rather than wait for a stuck body
                engine.logs.forTask(scope, run).warn("Task run ignored the interrupt after its timeout; its thread "
                        + "is still running");
            }
            throw timedOut;
        } catch (InterruptedException e) {
            worker.interrupt();
            worker.join(Duration.ofSeconds(5));
            throw e;
        }
    }

    private static final Duration REINTERRUPT_EVERY = Duration.ofSeconds(1);

    /**
     * Waits, however long it takes, for a timed-out attempt's thread to end before its retry may start,
     * so that two attempts of one task run never execute at once. The thread is interrupted again every
     * second (a body may clear its flag and wait again). A cancellation meanwhile does not end the wait:
     * the task run ends Cancelled once the thread has ended, and no retry starts.
     */
    private void awaitStopped(FlowScope scope, TaskRun run, Thread worker, Duration timeout)
            throws InterruptedException {
        long since = System.nanoTime();
        boolean interrupted = false;
        boolean warned = false;
        while (true) {
            try {
                if (worker.join(REINTERRUPT_EVERY)) break;
            } catch (InterruptedException e) {
                interrupted = true; // a cancellation of the flow run: it still waits for the attempt to stop
                continue;
            }
            if (!warned) {
                engine.logs.forTask(scope, run).warn("Timed out after {} s; waiting for its attempt to stop before "
                        + "retrying (it ignores interrupts)", timeout.toMillis() / 1000.0);
                warned = true;
            }
            worker.interrupt();
        }
        if (warned) {
            engine.logs.forTask(scope, run).info("Its timed-out attempt stopped after {} s; {}",
                    Duration.ofNanos(System.nanoTime() - since).toMillis() / 1000.0,
                    scope.cancelRequested ? "the flow run was cancelled, so it is not retried" : "retrying");
        }
        if (scope.cancelRequested) {
            throw new RunCancelledException(run.label() + " was cancelled while its timed-out attempt was stopping");
        }
        if (interrupted) throw new InterruptedException(run.label() + " was interrupted while its timed-out attempt "
                + "was stopping");
    }

    private void finish(FlowScope scope, TaskRun run, State end, String ref, Throwable error) {
        run.state = engine.transitions.taskRun(scope.claim, run.id, run.label(), run.state, end, ref);
        var log = engine.logs.forTask(scope, run);
        if (end.type().isFinal() && end.type() != io.flowcore.api.state.StateType.COMPLETED) {
            log.error("Finished in state {}", end, error);
        } else if (log.isInfoEnabled()) {
            log.info("Finished in state {}", end);
        }
        if (!run.task.hooks().isEmpty()) engine.hooks.afterTask(scope, run, end);
    }
}
