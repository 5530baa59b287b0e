package io.flowcore.engine.internal.run;

import io.flowcore.api.TaskOptions;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.spi.Sleeper;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.discovery.FlowClass;
import io.flowcore.engine.internal.discovery.FlowDefinition;
import io.flowcore.engine.internal.discovery.TaskDefinition;
import io.flowcore.engine.internal.params.ParameterBinder;
import io.flowcore.engine.internal.state.States;
import io.flowcore.engine.internal.state.Transitions;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One engine: a store, a result store, the runners and the lease. The public façade
 * ({@code io.flowcore.engine.Flowcore}) delegates here; nothing in this package is API.
 */
public final class Engine implements AutoCloseable {
    final StateStore store;
    final InstantSource clock;
    final Sleeper sleeper;
    final Transitions transitions;
    /** Where metrics go (FlowcoreConfig.meterRegistry); null: nowhere. */
    final io.micrometer.core.instrument.MeterRegistry meters;
    final RunLogs logs;
    final Results results;
    final TagLimits limits;
    final EngineSettings.BlockLoader blocks;
    /** What a child JVM needs to open this store; null when it cannot (the store was given as an object). */
    final Map<String, String> childEnvironment;
    final FlowRunner flows = new FlowRunner(this);
    final TaskRunner tasks = new TaskRunner(this);
    final StateHooks hooks = new StateHooks(this);
    final Map<UUID, FlowScope> active = new ConcurrentHashMap<>();
    final String engineId = Ids.next().toString();
    private final List<TaskOverride> overrides;
    private final List<FlowOverride> flowOverrides;
    private final Map<FlowDefinition, FlowDefinition> resolvedFlows = new ConcurrentHashMap<>();
    private final Map<TaskDefinition, TaskDefinition> resolved = new ConcurrentHashMap<>();
    private final Leases leases;
    /** Run by the JVM's shutdown (SIGTERM) before the engine closes: workers stop claiming and let runs finish. */
    private final List<Runnable> beforeShutdown = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread shutdownHook = new Thread(this::shutdown, "flowcore-shutdown");
    private volatile boolean closed;

    public Engine(EngineSettings s) {
        EngineRuntime.init();
        this.store = s.store();
        this.clock = s.clock();
        this.sleeper = s.sleeper();
        this.meters = s.meters();
        this.transitions = new Transitions(store, new io.flowcore.engine.internal.state.StateMetrics(meters));
        if (meters != null) StoreGauges.bind(store, clock, meters);
        this.logs = new RunLogs(store, clock, s.storedLogLevel());
        this.results = new Results(s.resultStore(), s.inlineResultLimit());
        this.limits = new TagLimits(s.tagLimits());
        this.blocks = s.blocks();
        this.childEnvironment = s.childEnvironment();
        this.overrides = s.taskOverrides();
        this.flowOverrides = s.flowOverrides();
        this.leases = new Leases(this, s.heartbeatInterval(), s.leaseTimeout());
        store.onClaimLost(this::claimLost);
        leases.start();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public StateStore store() {
        return store;
    }

    /** Where this engine persists large task results. */
    public io.flowcore.api.spi.ResultStore resultStore() {
        return results.store();
    }

    /** The id this engine holds runs and its lease under. */
    public String engineId() {
        return engineId;
    }

    /** Registers {@code r} to run when the JVM shuts down (SIGTERM), before the engine closes. */
    public void onShutdown(Runnable r) {
        beforeShutdown.add(r);
    }

    private void shutdown() {
        for (Runnable r : beforeShutdown) {
            try {
                r.run();
            } catch (RuntimeException e) {
                RunLogs.ENGINE.warn("a shutdown step failed: {}", Errors.describe(e));
            }
        }
        close();
    }

    /** Test hook: stops (or resumes) renewing this engine's lease, as a long GC pause would. */
    public void pauseHeartbeatsForTest(boolean pause) {
        leases.pauseForTest(pause);
    }

    /** Marks Crashed the runs of engines that stopped; returns their ids. Runs on open and every heartbeat. */
    public List<UUID> recoverCrashedRuns() {
        return leases.recoverCrashed();
    }

    /** Runs the flow method that {@code call} calls on a fresh instance of {@code type}. */
    public <F> FlowOutcome execute(Class<F> type, Function<F, ?> call) {
        return execute(type, call, null, null);
    }

    private <F> FlowOutcome execute(Class<F> type, Function<F, ?> call, UUID resumeOf,
                                    io.flowcore.api.spi.DeploymentStore.ClaimedRun claimed) {
        checkOpen();
        EngineRuntime.init();
        F instance = type.cast(FlowClass.of(type).newInstance());
        EngineRuntime.Entry entry = new EngineRuntime.Entry(this, resumeOf, claimed);
        EngineRuntime.Entry prev = EngineRuntime.enter(entry);
        try {
            call.apply(instance);
        } catch (Throwable t) {
            if (entry.outcome == null) throw Sneaky.rethrow(t);
        } finally {
            EngineRuntime.leave(prev);
        }
        if (entry.outcome == null) {
            throw new IllegalArgumentException("the lambda passed to Flowcore.run() must call a @Flow method of "
                    + type.getName() + ", e.g. f -> f.myFlow(args)");
        }
        return entry.outcome;
    }

    /**
     * Runs a failed, crashed or cancelled flow run again with the same parameters, as a new flow run
     * linked to it: task calls that completed with a persisted result are not run again.
     */
    public FlowOutcome resume(UUID flowRunId) {
        FlowRunRecord r = store.flowRun(flowRunId)
                .orElseThrow(() -> new IllegalArgumentException("no flow run " + flowRunId));
        StateType t = r.state().type();
        if (t != StateType.FAILED && t != StateType.CRASHED && t != StateType.CANCELLED) {
            throw new IllegalStateException("flow run '" + r.name() + "' is " + r.state()
                    + ": only Failed, Crashed or Cancelled runs can be resumed");
        }
        if (r.parentFlowRunId() != null) {
            throw new IllegalArgumentException("flow run '" + r.name() + "' is a subflow run: resume its parent "
                    + r.parentFlowRunId());
        }
        Class<?> type;
        try {
            type = Class.forName(r.flowClass(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot resume '" + r.name() + "': flow class " + r.flowClass()
                    + " is not on the classpath", e);
        }
        FlowDefinition flow = FlowClass.of(type).flow(r.flowMethod());
        Object[] args = arguments(r, flow.method());
        return execute(type, instance -> invoke(flow.method(), instance, args), flowRunId, null);
    }

    /**
     * Executes a run a worker claimed from its work queue, in this JVM: its flow class must be on the
     * classpath. A run whose class or method cannot be found, or whose parameters cannot be read, ends
     * Failed naming the cause, before any task.
     */
    public FlowOutcome executeClaimed(io.flowcore.api.spi.DeploymentStore.ClaimedRun claimed) {
        Optional<io.flowcore.api.deployment.DeploymentRecord> d = deploymentOf(claimed.run().id());
        if (d.isPresent() && !d.get().infrastructure().isInProcess()) return new DelegatedRun(this, claimed, d.get()).execute();
        return executeHere(claimed);
    }

    /** The deployment version {@code flowRunId} was created from (its infrastructure is where it runs), if any. */
    Optional<io.flowcore.api.deployment.DeploymentRecord> deploymentOf(UUID flowRunId) {
        if (!(store instanceof io.flowcore.api.spi.DeploymentStore d)) return Optional.empty();
        return d.deploymentOfRun(flowRunId);
    }

    /**
     * In a run's own JVM (process and docker infrastructures): executes run {@code flowRunId} here under the
     * worker's claim {@code epoch}. Its log lines are stored but not echoed (the worker copies this JVM's output).
     */
    public FlowOutcome executeForWorker(UUID flowRunId, long epoch) {
        RunLogs.echo = false;
        FlowRunRecord r = store.flowRun(flowRunId)
                .orElseThrow(() -> new IllegalArgumentException("no flow run " + flowRunId + " in this store"));
        return executeHere(new io.flowcore.api.spi.DeploymentStore.ClaimedRun(r, new io.flowcore.api.spi.Claim(flowRunId, epoch)));
    }

    /** In the JVM started for a crashed run's hooks (see CrashHooksElsewhere): runs them here, now. */
    public void runCrashHooksForWorker(UUID flowRunId) throws ClassNotFoundException {
        RunLogs.echo = false;
        hooks.crashHooksHere(flowRunId);
    }

    private FlowOutcome executeHere(io.flowcore.api.spi.DeploymentStore.ClaimedRun claimed) {
        FlowRunRecord r = claimed.run();
        Class<?> type;
        FlowDefinition flow;
        Object[] args;
        try {
            type = Class.forName(r.flowClass(), true, Thread.currentThread().getContextClassLoader());
            flow = FlowClass.of(type).flow(r.flowMethod());
            args = arguments(r, flow.method());
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            String why = e instanceof ClassNotFoundException
                    ? "flow class " + r.flowClass() + " is not on this worker's classpath: add the jar that has it"
                    : Errors.describe(e);
            State failed = States.failed(clock.instant(), "cannot start flow run '" + r.name() + "': " + why);
            State stored = transitions.endFlowRun(claimed.claim(), "Flow run '" + r.name() + "'", r.state(), failed, null);
            RunLogs.ENGINE.error("Flow run '{}' could not start: {}", r.name(), why);
            return new FlowOutcome(r.id(), r.name(), r.flowName(), stored, null, e);
        }
        // A retry of a deployment run is queued with resume_of set: it reuses the completed tasks like resume().
        return execute(type, instance -> invoke(flow.method(), instance, args), r.resumeOf(), claimed);
    }

    private static Object invoke(Method m, Object instance, Object[] args) {
        try {
            m.setAccessible(true);
            return m.invoke(instance, args);
        } catch (InvocationTargetException e) {
            throw Sneaky.rethrow(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The run's parameters converted to {@code m}'s parameter types and checked against its constraints;
     * throws (an {@code InvalidParametersException} naming every bad parameter) before any task runs.
     */
    private static Object[] arguments(FlowRunRecord r, Method m) {
        if (r.parametersJson() != null && r.parametersJson().contains(FlowRunner.UNSERIALIZABLE)) {
            try {
                var tree = ResultCodec.INSTANCE.mapper().readTree(r.parametersJson());
                for (var p : m.getParameters()) {
                    var node = tree.get(p.getName());
                    if (node != null && node.has(FlowRunner.UNSERIALIZABLE)) {
                        throw new IllegalStateException("cannot resume '" + r.name() + "': parameter '" + p.getName()
                                + "' (" + node.get(FlowRunner.UNSERIALIZABLE).asText() + ") was not stored");
                    }
                }
            } catch (IOException e) {
                // not JSON: the binder says so
            }
        }
        return ParameterBinder.bind(m, r.parametersJson());
    }

    /**
     * Cancels a flow run: running task runs are interrupted and the run ends Cancelled. A run of another
     * engine is made Cancelling in the store under a new claim; that engine stops it when its next write
     * is refused or at its next heartbeat, whichever comes first.
     *
     * @return false when the run had already ended
     */
    public boolean cancel(UUID flowRunId) {
        FlowScope scope = active.get(flowRunId);
        if (scope != null && scope.flow == null) { // a child JVM runs it: its worker thread takes it back and stops it
            scope.requestCancel();
            return true;
        }
        if (scope != null) {
            flows.markCancelling(scope);
            scope.requestCancel();
            return true;
        }
        FlowRunRecord r = store.flowRun(flowRunId)
                .orElseThrow(() -> new IllegalArgumentException("no flow run " + flowRunId));
        if (r.state().isFinal()) return false;
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<RunClaim> live = liveRun(flowRunId);
            if (live.isEmpty()) return false; // it ended meanwhile
            if (live.get().engineId() == null && live.get().state().type() == StateType.SCHEDULED) {
                // waiting for a worker: nobody would carry out a Cancelling, so it ends Cancelled here
                if (transitions.cancelWaiting(live.get(), States.cancelled(clock.instant(), "cancelled before it started"))
                        .isPresent()) {
                    return true;
                }
                continue;
            }
            if (transitions.requestCancel(live.get(), States.cancelling(clock.instant())).isPresent()) return true;
        }
        return liveRun(flowRunId).isPresent(); // still live after three lost races: someone else is cancelling it
    }

    Optional<RunClaim> liveRun(UUID flowRunId) {
        return store.liveRuns().stream().filter(r -> r.claim().flowRunId().equals(flowRunId)).findFirst();
    }

    /**
     * Told by the store that a write of this engine was refused: another process took the run over.
     * Runs on a store thread, so the handling moves to a thread of its own.
     */
    private void claimLost(UUID flowRunId) {
        FlowScope scope = active.get(flowRunId);
        if (scope == null || closed) return;
        Thread.ofVirtual().name("flowcore-claim-lost").start(() -> {
            try {
                onTakeOver(scope);
            } catch (RuntimeException e) {
                RunLogs.ENGINE.warn("could not handle the takeover of {}: {}", scope.label(), Errors.describe(e));
                scope.takenOver = true;
                scope.requestCancel();
            }
        });
    }

    /**
     * Another process moved the run's claim on: a cancellation (Cancelling, still held by this engine) is
     * re-claimed and carried out here; anything else (marked Crashed) means this engine stops the run and
     * ends it as the store says.
     */
    void onTakeOver(FlowScope scope) {
        synchronized (scope) {
            if (reclaim(scope)) {
                scope.requestCancel();
                return;
            }
            if (!scope.takenOver && liveRun(scope.id).map(r -> r.claim().epoch() != scope.claim.epoch()).orElse(true)) {
                RunLogs.ENGINE.warn("{} was taken over by another process; stopping it here", scope.label());
                scope.takenOver = true;
                scope.requestCancel();
            }
        }
    }

    /**
     * Re-claims a run of this engine that another process made Cancelling; true when this engine holds
     * it again (its in-memory state is then Cancelling too).
     */
    boolean reclaim(FlowScope scope) {
        synchronized (scope) {
            Optional<RunClaim> live = liveRun(scope.id);
            if (live.isEmpty()) return false;
            RunClaim run = live.get();
            if (run.state().type() != StateType.CANCELLING || !engineId.equals(run.engineId())) return false;
            if (run.claim().epoch() == scope.claim.epoch()) return true; // made Cancelling by this engine itself
            Optional<io.flowcore.api.spi.Claim> mine = transitions.reclaim(run, engineId);
            if (mine.isEmpty()) return false;
            scope.claim = mine.get();
            scope.state = run.state();
            RunLogs.ENGINE.info("{} was cancelled from another process; stopping it", scope.label());
            return true;
        }
    }

    /** The run's state as the store has it (for a run taken over by another process). */
    State storedState(FlowScope scope) {
        return store.flowRun(scope.id).map(FlowRunRecord::state).orElse(scope.state);
    }

    /** The flow with the options set in code applied over its annotation's. */
    FlowDefinition resolve(FlowDefinition d) {
        if (flowOverrides.isEmpty()) return d;
        return resolvedFlows.computeIfAbsent(d, def -> {
            io.flowcore.api.FlowOptions o = def.options();
            for (FlowOverride ov : flowOverrides) {
                if (ov.flowClass().isAssignableFrom(def.method().getDeclaringClass())
                        && ov.method().equals(def.method().getName())) {
                    o = ov.change().apply(o);
                }
            }
            return def.withOptions(o);
        });
    }

    TaskDefinition resolve(TaskDefinition d) {
        if (overrides.isEmpty()) return d;
        return resolved.computeIfAbsent(d, def -> {
            TaskOptions o = def.options();
            for (TaskOverride ov : overrides) {
                if (ov.flowClass().isAssignableFrom(def.method().getDeclaringClass())
                        && ov.method().equals(def.method().getName())) {
                    o = ov.change().apply(o);
                }
            }
            return new TaskDefinition(def.key(), def.method(), o, def.paramNames());
        });
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this Flowcore engine is closed: create a new one");
    }

    /**
     * Closes the engine: runs still active are marked Crashed (their process is going away), the lease
     * is released and the store flushed and closed.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        for (FlowScope scope : active.values()) {
            try {
                State crashed = States.crashed(clock.instant(), "the engine closed while the run was running");
                if (scope.flow == null) { // a child JVM runs it under this claim: a takeover refuses its later writes
                    liveRun(scope.id).ifPresent(r -> transitions.crash(r, crashed));
                    continue;
                }
                scope.state = transitions.endFlowRun(scope.claim, scope.label(), scope.state, crashed, crashed);
            } catch (RuntimeException e) {
                RunLogs.ENGINE.warn("could not mark {} Crashed: {}", scope.label(), Errors.describe(e));
            }
        }
        leases.close();
        store.close();
    }
}
