package io.flowcore.engine;

import io.flowcore.engine.internal.run.Engine;
import io.flowcore.engine.internal.run.EngineSettings;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The entry point. Run a flow with the shared engine:
 * <pre>{@code
 * FlowRun<String> run = Flowcore.run(MonthlyReport.class, f -> f.yearlyReport(2021, List.of(1, 2, 3)));
 * }</pre>
 * or create an engine with settings of its own (and close it when done):
 * <pre>{@code
 * try (Flowcore fc = Flowcore.create(cfg -> cfg.home(Path.of("/tmp/fc")).concurrencyLimit("db", 2))) {
 *     fc.execute(IngestData.class, f -> f.ingest("yellow_taxi_trips", 2021, 1, "yellow", settings));
 * }
 * }</pre>
 * ({@code MonthlyReport} and {@code IngestData} are flows of flowcore-taxi-examples.)
 * Runs are recorded as they happen; a run's final state and result come back as a {@link FlowRun}.
 * A flow that fails does not throw here: check {@link FlowRun#state()} or call {@link FlowRun#result()}.
 */
public final class Flowcore implements AutoCloseable {
    private static Flowcore shared;

    private final Engine engine;
    private final RunHistory history;
    private final FlowcoreConfig config;
    private Blocks blocks;
    private Deployments deployments;
    private final io.flowcore.engine.internal.run.NotificationSender sender;
    private WorkQueues workQueues;

    private Flowcore(FlowcoreConfig config) {
        this.engine = new Engine(config.seal(new EngineSettings.BlockLoader() {
            @Override
            public <T extends io.flowcore.api.block.Block> T load(String name, Class<T> type) {
                if (!type.isInterface()) return blocks().load(name, type);
                // a capability (ObjectStorageBlock, WarehouseBlock…): any saved type that implements it
                io.flowcore.api.block.Block block = blocks().load(name);
                if (!type.isInstance(block)) {
                    throw new io.flowcore.api.block.BlockException("block '" + name + "' is a "
                            + block.getClass().getSimpleName() + ", which is not a " + type.getSimpleName());
                }
                return type.cast(block);
            }
        }));
        this.history = new RunHistory(engine.store(), engine.resultStore());
        this.config = config;
        if (engine.store() instanceof io.flowcore.api.spi.NotificationStore n) {
            sender = new io.flowcore.engine.internal.run.NotificationSender(engine, n, config.notifierFailureLimit);
            if (config.notificationPolling.isPositive()) sender.start(config.notificationPolling);
        } else {
            sender = null;
        }
    }

    /** An engine with the default settings. */
    public static Flowcore create() {
        return create(cfg -> { });
    }

    /**
     * An engine with settings of its own. It opens (and, on first use, creates) its store and marks
     * Crashed any run left Running by an engine that died.
     */
    public static Flowcore create(Consumer<FlowcoreConfig> settings) {
        FlowcoreConfig cfg = new FlowcoreConfig();
        settings.accept(cfg);
        return new Flowcore(cfg);
    }

    /** The engine the static {@code run} methods use, with default settings; closed when the JVM exits. */
    public static synchronized Flowcore shared() {
        if (shared == null) shared = create();
        return shared;
    }

    /**
     * Runs the flow that {@code call} calls, with the shared engine, and waits for it to end.
     *
     * @param flowClass the flow class (not final, with a no-argument constructor)
     * @param call      calls one {@code @Flow} method, e.g. {@code f -> f.yearlyReport(2021, List.of(1, 2, 3))}
     */
    public static <F, T> FlowRun<T> run(Class<F> flowClass, FlowCall<F, T> call) {
        return shared().execute(flowClass, call);
    }

    /** {@link #run} for a flow method that returns nothing. */
    public static <F> FlowRun<Void> runVoid(Class<F> flowClass, VoidFlowCall<F> call) {
        return shared().executeVoid(flowClass, call);
    }

    /** Runs the flow that {@code call} calls with this engine and waits for it to end. */
    public <F, T> FlowRun<T> execute(Class<F> flowClass, FlowCall<F, T> call) {
        Objects.requireNonNull(flowClass, "flowClass");
        Objects.requireNonNull(call, "call");
        return new FlowRun<>(engine.execute(flowClass, f -> {
            try {
                return call.call(f);
            } catch (Exception e) {
                throw Flowcore.<RuntimeException>sneaky(e);
            }
        }), history);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E sneaky(Exception e) throws E {
        throw (E) e;
    }

    /** Calls one {@code @Flow} method of the flow instance; may throw what the flow method declares. */
    @FunctionalInterface
    public interface FlowCall<F, T> {
        T call(F flow) throws Exception;
    }

    /** {@link FlowCall} for a flow method that returns nothing. */
    @FunctionalInterface
    public interface VoidFlowCall<F> {
        void call(F flow) throws Exception;
    }

    /** {@link #execute} for a flow method that returns nothing. */
    public <F> FlowRun<Void> executeVoid(Class<F> flowClass, VoidFlowCall<F> call) {
        Objects.requireNonNull(call, "call");
        return execute(flowClass, f -> {
            call.call(f);
            return null;
        });
    }

    /**
     * Runs a Failed, Crashed or Cancelled flow run again, with its parameters, as a new run linked to it.
     * Task calls that completed in it (matched by task and call order) are not run again: their
     * persisted results are reused and recorded as Completed named "Resumed".
     *
     * @throws IllegalStateException when the run did not fail, or its flow class is not on the classpath
     */
    public FlowRun<Object> resume(UUID flowRunId) {
        return new FlowRun<>(engine.resume(flowRunId), history);
    }

    /**
     * Cancels a running flow run: its task runs are interrupted and it ends Cancelled. A run of another
     * process is marked Cancelling and stopped by its engine at its next heartbeat.
     *
     * @return false when the run had already ended
     * @throws IllegalArgumentException when there is no such run
     */
    public boolean cancel(UUID flowRunId) {
        return engine.cancel(flowRunId);
    }

    /** The engine behind this façade, for the engine's own tests. */
    Engine engineForTest() {
        return engine;
    }

    /** The engine behind this façade, for {@link ChildRun} (same package, not API). */
    Engine engine() {
        return engine;
    }

    /** This engine's home folder (its workspace's folders and the code cache are under it). */
    java.nio.file.Path home() {
        return config.home() != null ? config.home() : FlowcoreHome.resolve();
    }

    /** The deployments kept in this engine's store. */
    public synchronized Deployments deployments() {
        if (deployments == null) {
            var service = new io.flowcore.engine.internal.run.DeploymentService(engine);
            deployments = new Deployments(service, new io.flowcore.engine.internal.run.DeploymentActions(engine, service));
        }
        return deployments;
    }

    /** The work queues kept in this engine's store. */
    public synchronized WorkQueues workQueues() {
        if (workQueues == null) workQueues = new WorkQueues(new io.flowcore.engine.internal.run.WorkQueueService(engine));
        return workQueues;
    }

    /**
     * A worker on this engine, not yet started: it executes runs of deployments in this JVM.
     *
     * @param options e.g. {@code o -> o.queues("taxi").limit(4)}
     */
    public Worker worker(Consumer<Worker.Options> options) {
        return Worker.create(engine, options, config.retention);
    }

    /**
     * Notification rules and their outbox in this engine's store.
     *
     * @throws IllegalStateException on a store that keeps no notifications (the in-memory one)
     */
    public Notifications notifications() {
        if (sender == null) {
            throw new IllegalStateException("the " + engine.store().name() + " store keeps no notification rules: use "
                    + "the SQLite or PostgreSQL store");
        }
        return new Notifications((io.flowcore.api.spi.NotificationStore) engine.store(), sender);
    }

    /**
     * Serves deployments from this JVM (Prefect's {@code flow.serve()}): applies them, then runs a worker on
     * their work queues until the thread is interrupted or the JVM shuts down (SIGTERM lets running runs
     * finish, as a worker does). Runs come from {@code deployment run}, {@code Flows.runDeployment} or
     * schedules.
     *
     * @throws IllegalArgumentException when no deployment is given, or one cannot be applied
     */
    public void serve(io.flowcore.api.deployment.Deployment... toServe) throws InterruptedException {
        if (toServe.length == 0) throw new IllegalArgumentException("serve() needs at least one deployment");
        java.util.Set<String> queues = new java.util.LinkedHashSet<>();
        for (io.flowcore.api.deployment.Deployment d : toServe) {
            deployments().apply(d);
            queues.add(d.workQueue());
        }
        try (Worker w = worker(o -> o.queues(queues.toArray(String[]::new))).start()) {
            org.slf4j.LoggerFactory.getLogger("flowcore.engine").info("Serving {} deployment(s) on work queue(s) {}",
                    toServe.length, queues);
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    /**
     * The API keys of flowcore server kept in this engine's store (only salted hashes of them).
     *
     * @throws IllegalStateException on a store that keeps no API keys (the in-memory one)
     */
    public io.flowcore.api.spi.ApiKeyStore apiKeys() {
        if (engine.store() instanceof io.flowcore.api.spi.ApiKeyStore keys) return keys;
        throw new IllegalStateException("the " + engine.store().name() + " store keeps no API keys: use the SQLite "
                + "or PostgreSQL store, or start the server without authentication on loopback");
    }

    /** The workspace this engine works in: {@code default} unless {@link FlowcoreConfig#workspace} named another. */
    public String workspace() {
        return config.workspaceName();
    }

    /**
     * A new engine on workspace {@code name} of this engine's home or database, with this engine's settings;
     * the workspace's store (schema or folder) is created when missing, and its blocks use the key file in
     * the workspace's folder (never {@code FLOWCORE_BLOCKS_KEY}). The caller closes it. flowcore server opens
     * its workspaces this way.
     *
     * @throws IllegalArgumentException when {@code name} is not a valid workspace name
     * @throws IllegalStateException    when this engine's store was given as an object
     */
    public Flowcore openWorkspace(String name) {
        return openWorkspace(name, cfg -> { });
    }

    /**
     * {@link #openWorkspace(String)} with settings of the workspace's own, e.g. its metrics registry (a workspace's
     * engine records into none of this engine's).
     */
    public Flowcore openWorkspace(String name, Consumer<FlowcoreConfig> more) {
        FlowcoreConfig c = config.forWorkspace(name);
        more.accept(c);
        return new Flowcore(c);
    }

    /**
     * Deletes the store of workspace {@code name} of this engine's home or database: its PostgreSQL schema and its
     * folder (runs, deployments, queues, blocks and its blocks key file). Close the workspace's engines first;
     * flowcore server's {@code Workspaces.delete} checks that no run is in progress and unregisters it.
     *
     * @throws IllegalArgumentException when {@code name} is {@code default} or not a valid workspace name
     */
    public void dropWorkspaceStore(String name) {
        WorkspaceStores.drop(otherWorkspace(name));
    }

    /**
     * Renames the store of workspace {@code from} (schema and folder) to {@code to}; as {@link #dropWorkspaceStore},
     * with the workspace's engines closed.
     *
     * @throws IllegalStateException when a store of workspace {@code to} exists already
     */
    public void renameWorkspaceStore(String from, String to) {
        WorkspaceStores.rename(otherWorkspace(from), otherWorkspace(to));
    }

    private FlowcoreConfig otherWorkspace(String name) {
        if (FlowcoreConfig.DEFAULT_WORKSPACE.equals(name)) {
            throw new IllegalArgumentException("the workspace default cannot be deleted or renamed");
        }
        return config.forWorkspace(name);
    }

    /** The registry this engine records its metrics into ({@link FlowcoreConfig#meterRegistry}), if one was given. */
    public java.util.Optional<io.micrometer.core.instrument.MeterRegistry> meterRegistry() {
        return java.util.Optional.ofNullable(config.meterRegistry);
    }

    /** What this engine's store recorded. */
    public RunHistory history() {
        return history;
    }

    /**
     * The saved blocks of this engine's database: {@code <home>/flowcore.db}, or the database set with
     * {@link FlowcoreConfig#database}. Opened on first call, closed with the engine.
     */
    public synchronized Blocks blocks() {
        if (blocks == null) blocks = config.openBlocks();
        return blocks;
    }

    /** Closes the engine: flushes and closes its store, releases its lease. */
    @Override
    public void close() {
        if (sender != null) sender.stop();
        synchronized (this) {
            if (blocks != null) blocks.close();
            blocks = null;
        }
        engine.close();
        synchronized (Flowcore.class) {
            if (shared == this) shared = null;
        }
    }
}
