package io.flowcore.server;

import io.flowcore.api.spi.ApiKeyStore;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.FlowcoreConfig;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/*
 * A workspace is a store of its own (see FlowcoreConfig#workspace): the server keeps the engine of the
 * default workspace it was given and opens one engine per other workspace on first use, closing them when it
 * stops. The registry (which workspaces exist) lives in the default store beside the API keys; an engine is
 * opened only for a registered name, so nothing a caller sends can make the server create a store.
 */

/**
 * The workspaces of a server: isolated namespaces (runs, deployments, work queues, blocks, notification rules),
 * each reached only by the API keys created for it. Rows that existed before, embedded engines and the CLI
 * belong to {@value FlowcoreConfig#DEFAULT_WORKSPACE}.
 */
public final class Workspaces implements AutoCloseable {
    private final Flowcore defaultWorkspace;
    private final InstantSource clock;
    private final Map<String, Flowcore> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The workspaces of {@code defaultWorkspace}'s store; closing this closes the other workspaces' engines only. */
    public Workspaces(Flowcore defaultWorkspace, InstantSource clock) {
        this.defaultWorkspace = Objects.requireNonNull(defaultWorkspace, "defaultWorkspace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates workspace {@code name} and its store (a PostgreSQL schema or a folder under the home).
     *
     * @throws IllegalArgumentException when the name is invalid or taken
     * @throws IllegalStateException    when the store keeps no registry (the in-memory one)
     */
    public void create(String name) {
        FlowcoreConfig.checkWorkspaceName(name);
        if (name.equals(FlowcoreConfig.DEFAULT_WORKSPACE) || !registry().insertWorkspace(
                new ApiKeyStore.Workspace(name, clock.instant()))) {
            throw new IllegalArgumentException("workspace '" + name + "' exists already");
        }
        engine(name); // creates its schema or folder now, not on the first call
    }

    /**
     * Deletes workspace {@code name}: its store (schema or folder) with every run, deployment, queue, block and
     * rule in it, its blocks key, and its registration; its API keys are revoked. Refused while one of its runs is
     * in progress (Pending, Running, Paused or Cancelling), so no run is cut off or left without a store; stop the
     * workspace's workers first, as they would next find no store.
     *
     * @throws IllegalArgumentException when it is {@code default} or does not exist
     * @throws IllegalStateException    when a run of it is in progress
     */
    public synchronized void delete(String name) {
        closeIdle(name, "deleted");
        defaultWorkspace.dropWorkspaceStore(name); // the store first: a name reused later never finds old runs
        registry().deleteWorkspace(name, clock.instant());
    }

    /**
     * Renames workspace {@code from} to {@code to}: its store, its registration and its API keys, which reach it
     * under the new name. Refused while one of its runs is in progress, as {@link #delete}; its workers must be
     * restarted with the new name.
     *
     * @throws IllegalArgumentException when {@code from} is {@code default} or does not exist, or {@code to} is
     *                                  invalid or taken
     */
    public synchronized void rename(String from, String to) {
        FlowcoreConfig.checkWorkspaceName(to);
        if (exists(to)) throw new IllegalArgumentException("workspace '" + to + "' exists already");
        closeIdle(from, "renamed");
        defaultWorkspace.renameWorkspaceStore(from, to);
        try {
            if (!registry().renameWorkspace(from, to)) throw new IllegalArgumentException("there is no workspace '" + from + "'");
        } catch (RuntimeException e) {
            defaultWorkspace.renameWorkspaceStore(to, from); // the registry did not follow: the store goes back
            throw e;
        }
    }

    /** Checks that {@code name} is another workspace with no run in progress, then closes its engine here. */
    private void closeIdle(String name, String what) {
        if (name.equals(FlowcoreConfig.DEFAULT_WORKSPACE)) {
            throw new IllegalArgumentException("the workspace default cannot be " + what);
        }
        Flowcore fc = engine(name); // fails when there is no such workspace
        List<io.flowcore.api.run.FlowRunRecord> busy = fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all()
                .inStates(StateType.PENDING, StateType.RUNNING, StateType.PAUSED, StateType.CANCELLING).limit(1));
        if (!busy.isEmpty()) {
            var r = busy.getFirst();
            throw new IllegalStateException("workspace '" + name + "' cannot be " + what + " while its runs are in progress "
                    + "(flow run '" + r.name() + "' is " + r.state().name() + "): cancel them or let them end, and stop its "
                    + "workers, first");
        }
        open.remove(name);
        fc.close();
    }

    /** Every workspace's name, {@code default} first. */
    public List<String> names() {
        List<String> out = new ArrayList<>(List.of(FlowcoreConfig.DEFAULT_WORKSPACE));
        if (hasRegistry()) {
            registry().workspaces().forEach(w -> out.add(w.name()));
        }
        return out;
    }

    /** True when {@code name} is the default workspace or a registered one. */
    public boolean exists(String name) {
        return name.equals(FlowcoreConfig.DEFAULT_WORKSPACE)
                || hasRegistry() && registry().workspaces().stream().anyMatch(w -> w.name().equals(name));
    }

    /** The engine of workspace {@code name}, opened on first use. @throws IllegalArgumentException when there is none */
    Flowcore engine(String name) {
        if (name.equals(FlowcoreConfig.DEFAULT_WORKSPACE)) return defaultWorkspace;
        Flowcore fc = open.get(name);
        if (fc != null) return fc;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the server is stopping");
            fc = open.get(name);
            if (fc != null) return fc;
            if (!exists(name)) throw new IllegalArgumentException("there is no workspace '" + name + "'");
            // a workspace's metrics are its own: a registry of its own when the server's engine has one
            boolean metrics = PrometheusMetrics.prometheus(defaultWorkspace.meterRegistry()).isPresent();
            fc = defaultWorkspace.openWorkspace(name, cfg -> {
                if (metrics) cfg.meterRegistry(PrometheusMetrics.workspaceRegistry());
            });
            open.put(name, fc);
            return fc;
        }
    }

    private boolean hasRegistry() {
        try {
            defaultWorkspace.apiKeys();
            return true;
        } catch (IllegalStateException inMemoryStore) {
            return false;
        }
    }

    private ApiKeyStore registry() {
        return defaultWorkspace.apiKeys();
    }

    /** Closes the engines of the workspaces other than the default one. */
    @Override
    public synchronized void close() {
        closed = true;
        open.values().forEach(Flowcore::close);
        open.clear();
    }
}
