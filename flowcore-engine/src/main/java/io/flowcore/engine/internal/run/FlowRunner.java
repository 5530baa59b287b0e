package io.flowcore.engine.internal.run;

import io.flowcore.api.FlowRunException;
import io.flowcore.api.RunCancelledException;
import io.flowcore.api.RunTimeoutException;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.discovery.FlowDefinition;
import io.flowcore.engine.internal.state.States;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * The life of a flow run: created Pending → per attempt Running (Retrying) with the body on its own
 * virtual thread (so a timeout or a cancellation can interrupt it) → wait for the task runs it
 * submitted → Completed, or AwaitingRetry and another attempt, or Failed / TimedOut / Cancelled.
 * A submitted task run that failed and whose failure nobody observed fails the flow run.
 */
final class FlowRunner {
    private final Engine engine;

    FlowRunner(Engine engine) {
        this.engine = engine;
    }

    /** A subflow call: runs it and returns its value or rethrows its failure into the parent. */
    Object subflow(FlowScope parent, FlowDefinition flow, Object[] args, Callable<?> body) {
        UUID resumeOf = parent.resumeOf == null ? null : previousChild(parent, flow);
        FlowOutcome o = run(flow, args, body, parent, resumeOf, null);
        if (o.error() != null) throw Sneaky.rethrow(o.error());
        return o.value();
    }

    /** The run of the same subflow call (flow, call index) in the run the parent resumes. */
    private UUID previousChild(FlowScope parent, FlowDefinition flow) {
        int index = parent.nextIndex("subflow:" + flow.signature());
        List<FlowRunRecord> previous = engine.store.flowRuns(FlowRunQuery.all().flow(flow.name()).limit(100_000))
                .stream().filter(r -> parent.resumeOf.equals(r.parentFlowRunId()))
                .sorted(Comparator.comparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id)).toList();
        return index < previous.size() ? previous.get(index).id() : null;
    }

    /** @param claimed a run a worker claimed, executed as is; null to create a new run */
    FlowOutcome run(FlowDefinition flow, Object[] args, Callable<?> body, FlowScope parent, UUID resumeOf,
                    io.flowcore.api.spi.DeploymentStore.ClaimedRun claimed) {
        flow = engine.resolve(flow);
        Instant now = engine.clock.instant();
        Map<String, Object> params = RunNames.parameters(flow.paramNames(), args);
        FlowScope scope;
        if (claimed != null) {
            FlowRunRecord r = claimed.run();
            scope = new FlowScope(engine, r.id(), r.name(), flow, parent, params, resumeOf, r.state());
            scope.claim = claimed.claim();
            RunLogs.ENGINE.info("Running flow run '{}' for flow '{}' (claimed from its work queue)", r.name(), flow.name());
        } else {
            String name = flow.options().flowRunName().isEmpty() ? RunNames.randomFlowRunName()
                    : RunNames.fill(flow.options().flowRunName(), flow.paramNames(), args);
            scope = new FlowScope(engine, Ids.next(), name, flow, parent, params, resumeOf, States.pending(now));
            engine.store.insertFlowRun(new FlowRunRecord(scope.id, name, flow.name(),
                    flow.method().getDeclaringClass().getName(), flow.signature(), parametersJson(params),
                    parent == null ? null : parent.id, resumeOf, engine.engineId, scope.state, now));
            RunLogs.ENGINE.info("Created {}flow run '{}' for flow '{}'{}", parent == null ? "" : "sub", name,
                    flow.name(), resumeOf == null ? "" : " (resuming " + resumeOf + ")");
        }
        UUID id = scope.id;
        engine.active.put(id, scope);
        if (parent != null) parent.children.add(scope);
        try {
            if (claimed == null) {
                // a direct Java call (a worker's run was checked as it was bound): its constraints before any task
                try {
                    io.flowcore.engine.internal.params.ParameterBinder.check(flow.method(), args, flow.paramNames());
                } catch (io.flowcore.api.deployment.InvalidParametersException e) {
                    return end(scope, null, e);
                }
            }
            return attempts(scope, body);
        } finally {
            engine.active.remove(id);
            if (parent != null) parent.children.remove(scope);
        }
    }

    private FlowOutcome attempts(FlowScope scope, Callable<?> body) {
        FlowDefinition flow = scope.flow;
        for (int attempt = 1; ; attempt++) {
            if (scope.cancelRequested) return end(scope, null, new RunCancelledException(scope.label() + " was cancelled"));
            Instant now = engine.clock.instant();
            move(scope, attempt == 1 ? States.running(now) : States.retrying(now));
            ExecutionContext ctx = new ExecutionContext(scope, null, attempt, flow.options().logPrints());
            if (ctx.logPrints) OutputCapture.install();
            Object value = null;
            Throwable error = null;
            try {
                value = runBody(scope, ctx, body, flow.options().timeout());
            } catch (Throwable t) {
                error = t;
            }
            awaitSubmitted(scope);
            if (error == null && !scope.failedUnobserved.isEmpty()) {
                List<String> names = scope.failedUnobserved.stream().map(TaskRunFuture::name).sorted().toList();
                error = new FlowRunException(names.size() + " of " + scope.submittedCount.get()
                        + " submitted task runs failed: " + names, null);
            }
            if (error == null) return end(scope, value, null);
            if (scope.cancelRequested || error instanceof RunTimeoutException) return end(scope, null, error);
            if (flow.options().retry().shouldRetry(attempt, error)) {
                Duration delay = flow.options().retry().delayBefore(attempt, ThreadLocalRandom.current()::nextDouble);
                Instant at = engine.clock.instant();
                move(scope, States.awaitingRetry(at, at.plus(delay), Errors.describe(error)));
                engine.logs.forFlow(scope).warn("Received non-final state 'AwaitingRetry' when proposing final state "
                        + "'Failed' and will attempt to run again: {}", Errors.describe(error));
                scope.failedUnobserved.clear();
                try {
                    engine.sleeper.sleep(delay);
                } catch (InterruptedException e) {
                    scope.requestCancel();
                    return end(scope, null, e);
                }
                continue;
            }
            return end(scope, null, error);
        }
    }

    private Object runBody(FlowScope scope, ExecutionContext ctx, Callable<?> body, Duration timeout) throws Throwable {
        RunThread run = RunThread.start(scope, ctx, "flowcore-flow-" + scope.name, body);
        CompletableFuture<Object> result = run.result;
        Thread worker = run.thread;
        try {
            return timeout == null ? result.get() : result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            scope.requestCancel();
            worker.join(Duration.ofSeconds(5));
            throw new RunTimeoutException(scope.label() + " exceeded its timeout of " + timeout.toMillis() / 1000.0 + " s");
        } catch (InterruptedException e) {
            // the caller (a parent flow run being cancelled, or the user's thread) was interrupted
            scope.requestCancel();
            worker.join(Duration.ofSeconds(5));
            throw e;
        }
    }

    private void awaitSubmitted(FlowScope scope) {
        for (TaskRunFuture<?> f : List.copyOf(scope.running)) {
            try {
                f.awaitQuietly();
            } catch (InterruptedException e) {
                scope.requestCancel();
                awaitSubmitted(scope);
                return;
            }
        }
    }

    private FlowOutcome end(FlowScope scope, Object value, Throwable error) {
        Instant now = engine.clock.instant();
        State end;
        if (error instanceof RunTimeoutException) {
            end = States.timedOut(now, error.getMessage());
        } else if (scope.cancelRequested && !scope.takenOver) {
            end = States.cancelled(now, scope.cancelReason != null ? scope.cancelReason : "flow run cancelled");
            if (!(error instanceof RunCancelledException)) error = new RunCancelledException(scope.label() + " was cancelled");
        } else if (error == null) {
            end = States.completed(now);
        } else {
            end = States.failed(now, "Flow run encountered an exception: " + Errors.describe(error));
        }
        State stored = scope.takenOver ? engine.storedState(scope) : commitEnd(scope, end);
        boolean ours = stored.type() == end.type();
        if (!ours) {
            // Another process took the run over meanwhile: the store's word is final, and the caller hears it.
            engine.logs.forFlow(scope).warn("{} was taken over by another process, which recorded {}; this engine's "
                    + "result ({}) is not recorded", scope.label(), stored, end);
            end = stored;
            value = null;
            error = stored.type() == StateType.CANCELLED ? new RunCancelledException(scope.label() + " was cancelled")
                    : new FlowRunException(scope.label() + " was taken over by another process, which recorded "
                    + stored, error);
        }
        var log = engine.logs.forFlow(scope);
        if (error == null) log.info("Finished in state {}", end);
        else if (end.type() == StateType.CANCELLED) log.info("Finished in state {}", end);
        else log.error("Finished in state {}", end, error);
        // Hooks follow a state this engine committed; a crash verdict's hooks run where it was made.
        if (ours) engine.hooks.afterEnd(scope.flow, scope.id, scope.name, end);
        return new FlowOutcome(scope.id, scope.name, scope.flow.name(), end, value, error);
    }

    /**
     * Writes the final state and waits for the database. When another process asked for a cancellation
     * meanwhile (the run is Cancelling under a newer claim), this engine re-claims it and ends it Cancelled;
     * when it was marked Crashed, the store's state is returned.
     */
    private State commitEnd(FlowScope scope, State end) {
        State proposed = end;
        for (int round = 0; ; round++) {
            State leftover = switch (proposed.type()) {
                case CANCELLED, CRASHED -> proposed;
                default -> null;
            };
            State stored = engine.transitions.endFlowRun(scope.claim, scope.label(), scope.state, proposed, leftover);
            if (stored.type() == proposed.type()) {
                scope.state = stored;
                return stored;
            }
            if (round == 0 && stored.type() == StateType.CANCELLING && engine.reclaim(scope)) {
                proposed = States.cancelled(engine.clock.instant(), "flow run cancelled");
                continue;
            }
            scope.state = stored;
            return stored;
        }
    }

    private void move(FlowScope scope, State to) {
        if (scope.state.type() == StateType.CANCELLING && !to.isFinal()) return;
        scope.state = engine.transitions.flowRun(scope.claim, scope.label(), scope.state, to);
    }

    /** Marks the run Cancelling; the runner ends it Cancelled when its threads have stopped. */
    void markCancelling(FlowScope scope) {
        synchronized (scope) {
            if (!scope.state.isFinal() && scope.state.type() != StateType.CANCELLING) {
                move(scope, States.cancelling(engine.clock.instant()));
            }
        }
    }

    private static String parametersJson(Map<String, Object> params) {
        Map<String, Object> safe = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            try {
                ResultCodec.INSTANCE.encode(v);
                safe.put(k, v);
            } catch (IOException | RuntimeException e) {
                safe.put(k, Map.of(UNSERIALIZABLE, v == null ? "null" : v.getClass().getName()));
            }
        });
        try {
            return ResultCodec.INSTANCE.encodeToString(safe);
        } catch (IOException e) {
            return "{}";
        }
    }

    static final String UNSERIALIZABLE = "$unserializable";
}
