package io.flowcore.engine;

import io.flowcore.api.FlowOptions;
import io.flowcore.api.TaskOptions;
import io.flowcore.api.spi.ResultStore;
import io.flowcore.api.spi.Sleeper;
import io.flowcore.api.spi.StateStore;
import io.flowcore.engine.internal.run.EngineSettings;
import io.flowcore.engine.internal.run.FlowOverride;
import io.flowcore.engine.internal.run.TaskOverride;
import io.flowcore.engine.internal.store.FileResultStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.event.Level;

/**
 * Settings of a {@link Flowcore} engine, given in {@code Flowcore.create(cfg -> …)}. Every setting has a
 * default that works with zero set-up: runs, logs and results are kept in an embedded SQLite database
 * and a folder under the flowcore home ({@link FlowcoreHome}: {@code $FLOWCORE_HOME}, else {@code ~/.flowcore}).
 * The configuration is sealed once the engine is created.
 */
public final class FlowcoreConfig {
    private Path home;
    private String databaseUrl;
    private String databaseUser;
    private String databasePassword;
    private String serverUrl;
    private String serverKey;
    private io.flowcore.engine.internal.remote.RemoteClient remote;
    private StateStore store;
    private String workspace = DEFAULT_WORKSPACE;
    /** Set for the engines {@link Flowcore#openWorkspace} opens: create the workspace's store, use its own key file. */
    boolean openedForWorkspace;
    private ResultStore resultStore;
    /** Where {@code FLOWCORE_BLOCKS_KEY} is looked up: the variables given to {@link #environment}, else the process's. */
    private Map<String, String> blocksKeyEnvironment;
    /** Up to 1 MiB: the journal and the writer's backlog hold inline results in memory and on disk. */
    private static final int MAX_INLINE_RESULT = 1 << 20;
    private int inlineResultLimit = 64 << 10;
    Duration notificationPolling = Duration.ofSeconds(2);
    int notifierFailureLimit = 10;
    /** Runs that ended longer ago are deleted by this engine's workers; null: kept. */
    Duration retention;
    private InstantSource clock = InstantSource.system();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration leaseTimeout = Duration.ofSeconds(30);
    private final Map<String, Integer> tagLimits = new LinkedHashMap<>();
    private final List<TaskOverride> overrides = new ArrayList<>();
    private final List<FlowOverride> flowOverrides = new ArrayList<>();
    private Level storedLogLevel = Level.INFO;
    io.micrometer.core.instrument.MeterRegistry meterRegistry;
    private boolean sealed;

    FlowcoreConfig() {
    }

    private void checkNotSealed() {
        if (sealed) throw new IllegalStateException("the configuration is sealed once the engine is created: "
                + "create another engine with Flowcore.create(cfg -> ...)");
    }

    /** The folder for the embedded database, results and journals (default: {@link FlowcoreHome#resolve()}). */
    public FlowcoreConfig home(Path folder) {
        checkNotSealed();
        this.home = Objects.requireNonNull(folder, "home");
        return this;
    }

    /** The workspace of every engine, CLI and row that names none. */
    public static final String DEFAULT_WORKSPACE = "default";
    /** The environment variable {@link #environment} reads the workspace from. */
    public static final String ENV_WORKSPACE = "FLOWCORE_WORKSPACE";
    private static final java.util.regex.Pattern WORKSPACE_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,39}");

    /**
     * Keep this engine's runs, deployments, work queues, blocks and notification rules in workspace
     * {@code name} of the store (default {@value #DEFAULT_WORKSPACE}), as a worker of that workspace does.
     * A workspace other than the default is a store of its own beside the default one: on PostgreSQL the
     * schema {@code <schema>_ws_<name>} (dashes as underscores; {@code <schema>} is the URL's
     * {@code currentSchema}, else {@code flowcore}), else the folder {@code <home>/workspaces/<name>/}, with
     * its own blocks key file there. It must have been created ({@code flowcore server workspace create}).
     *
     * @throws IllegalArgumentException when the name breaks the rule of {@link #checkWorkspaceName}
     */
    public FlowcoreConfig workspace(String name) {
        checkNotSealed();
        this.workspace = checkWorkspaceName(name);
        return this;
    }

    /**
     * Returns {@code name} when it is a valid workspace name: a lower-case letter, then up to 39 lower-case
     * letters, digits or dashes.
     *
     * @throws IllegalArgumentException naming the rule, when it is not
     */
    public static String checkWorkspaceName(String name) {
        if (name == null || !WORKSPACE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid workspace name '" + name + "': it must be a lower-case letter "
                    + "followed by up to 39 lower-case letters, digits or dashes ([a-z][a-z0-9-]{0,39})");
        }
        return name;
    }

    /** The workspace this engine works in. */
    String workspaceName() {
        return workspace;
    }

    /** Keep runs in this database (e.g. {@code jdbc:postgresql://host/db}) instead of the embedded one. */
    public FlowcoreConfig database(String jdbcUrl, String user, String password) {
        checkNotSealed();
        this.databaseUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.databaseUser = user;
        this.databasePassword = password;
        return this;
    }

    /**
     * Keep runs on a flowcore server instead of a database (Prefect Cloud's role): this engine, its workers
     * and their child processes report runs and claim deployment runs over HTTP and hold no database
     * credentials. The key (created with {@code flowcore server api-key create --role worker}) decides the
     * workspace. State changes are journaled on this machine and sent in batches, so a task costs about what
     * it costs on a local store; while the server is out of reach they wait in the journal, and the engine
     * cancels its runs before its lease could expire, as for a database out of reach. Blocks are read from
     * the server with their secrets encrypted and decrypted here with {@code FLOWCORE_BLOCKS_KEY}, the
     * workspace's key. Journals go under {@code <home>/remote/}.
     *
     * @param url    e.g. {@code http://flowcore.internal:4200}
     * @param apiKey a key of the role worker or admin; null only for a server started with {@code --no-auth}
     */
    public FlowcoreConfig server(String url, String apiKey) {
        checkNotSealed();
        this.serverUrl = Objects.requireNonNull(url, "url");
        this.serverKey = apiKey;
        return this;
    }

    /**
     * Takes the store from environment variables, as the CLI and the child JVMs of the process and docker
     * infrastructures do: {@code FLOWCORE_HOME} (see {@link FlowcoreHome}) and, when set,
     * {@code FLOWCORE_DATABASE_URL} with {@code FLOWCORE_DATABASE_USER} and {@code FLOWCORE_DATABASE_PASSWORD},
     * and {@code FLOWCORE_WORKSPACE} (see {@link #workspace}); or {@code FLOWCORE_SERVER_URL} with
     * {@code FLOWCORE_API_KEY} (see {@link #server}).
     */
    public FlowcoreConfig environment(Map<String, String> env) {
        home(FlowcoreHome.resolve(env, System.getProperties()));
        blocksKeyEnvironment = Map.copyOf(env); // FLOWCORE_BLOCKS_KEY comes from the same variables
        String url = env.get(ENV_DATABASE_URL);
        if (url != null && !url.isBlank()) database(url, env.get(ENV_DATABASE_USER), env.get(ENV_DATABASE_PASSWORD));
        String ws = env.get(ENV_WORKSPACE);
        if (ws != null && !ws.isBlank()) workspace(ws.trim());
        String server = env.get(ENV_SERVER_URL);
        if (server != null && !server.isBlank()) server(server.trim(), env.get(ENV_API_KEY));
        return this;
    }

    static final String ENV_DATABASE_URL = "FLOWCORE_DATABASE_URL";
    static final String ENV_DATABASE_USER = "FLOWCORE_DATABASE_USER";
    static final String ENV_DATABASE_PASSWORD = "FLOWCORE_DATABASE_PASSWORD";
    static final String ENV_SERVER_URL = "FLOWCORE_SERVER_URL";
    static final String ENV_API_KEY = "FLOWCORE_API_KEY";

    /** The variables {@link #environment} reads back into this store's settings; null when the store was given as an object. */
    private Map<String, String> childEnvironment(Path h) {
        if (store != null) return null;
        Map<String, String> env = new LinkedHashMap<>();
        env.put(FlowcoreHome.ENV, h.toAbsolutePath().toString());
        if (serverUrl != null) {
            env.put(ENV_SERVER_URL, serverUrl);
            if (serverKey != null) env.put(ENV_API_KEY, serverKey);
            return env;
        }
        if (!workspace.equals(DEFAULT_WORKSPACE)) env.put(ENV_WORKSPACE, workspace);
        if (databaseUrl != null) {
            env.put(ENV_DATABASE_URL, databaseUrl);
            if (databaseUser != null) env.put(ENV_DATABASE_USER, databaseUser);
            if (databasePassword != null) env.put(ENV_DATABASE_PASSWORD, databasePassword);
        }
        return env;
    }

    /** Use this store (the engine closes it). */
    public FlowcoreConfig store(StateStore s) {
        checkNotSealed();
        this.store = Objects.requireNonNull(s, "store");
        return this;
    }

    /**
     * Persist large results here instead of {@code <home>/results}. Results up to
     * {@link #inlineResultLimit(int)} bytes are kept in the run store with the task run's state and never
     * reach this store.
     */
    public FlowcoreConfig resultStore(ResultStore s) {
        checkNotSealed();
        this.resultStore = Objects.requireNonNull(s, "resultStore");
        return this;
    }

    /**
     * Persist large results as objects under {@code prefix} in an object storage block (an S3, GCS or
     * Azure bucket, or a local lake), so that workers on other machines can read them — as Prefect's
     * result storage blocks do.
     */
    public FlowcoreConfig resultStore(io.flowcore.api.block.ObjectStorageBlock storage, String prefix) {
        return resultStore(new io.flowcore.engine.internal.store.ObjectStorageResults(storage, prefix));
    }

    /**
     * Results whose JSON is at most this many bytes (default 64 KiB) are kept in the run store with the
     * task run's Completed state, written through its journal and group commit; larger ones go to the
     * {@linkplain #resultStore(ResultStore) result store}. 0 sends every result to the result store.
     */
    public FlowcoreConfig inlineResultLimit(int bytes) {
        checkNotSealed();
        if (bytes < 0 || bytes > MAX_INLINE_RESULT) {
            throw new IllegalArgumentException("inlineResultLimit must be between 0 and " + MAX_INLINE_RESULT
                    + " bytes, not " + bytes);
        }
        this.inlineResultLimit = bytes;
        return this;
    }

    /** The time source for states and leases (tests pass a fake). */
    public FlowcoreConfig clock(InstantSource c) {
        checkNotSealed();
        this.clock = Objects.requireNonNull(c, "clock");
        return this;
    }

    /** How the engine waits between retries (tests pass one that returns at once). */
    public FlowcoreConfig sleeper(Sleeper s) {
        checkNotSealed();
        this.sleeper = Objects.requireNonNull(s, "sleeper");
        return this;
    }

    /**
     * How often the engine renews its lease, and after how long without renewal its runs count as
     * Crashed for other engines.
     *
     * @throws IllegalArgumentException unless 0 &lt; interval &lt; timeout
     */
    public FlowcoreConfig lease(Duration heartbeat, Duration timeout) {
        checkNotSealed();
        if (!heartbeat.isPositive() || timeout.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("need 0 < heartbeat < timeout: heartbeat=" + heartbeat + " timeout=" + timeout);
        }
        this.heartbeatInterval = heartbeat;
        this.leaseTimeout = timeout;
        return this;
    }

    /** At most {@code limit} task runs with {@code tag} run at once in this engine. */
    public FlowcoreConfig concurrencyLimit(String tag, int limit) {
        checkNotSealed();
        if (limit < 1) throw new IllegalArgumentException("concurrency limit for tag '" + tag + "' must be >= 1: " + limit);
        tagLimits.put(tag, limit);
        return this;
    }

    /**
     * Changes the options of task method {@code method} declared in {@code flowClass}; values set here win over the
     * annotation. They apply to that task in {@code flowClass} and its subclasses.
     *
     * @throws IllegalArgumentException at once when {@code flowClass} declares no {@code @Task} method of that name
     *                                  (the message lists its task methods), or inherits it (name the declaring class)
     */
    public FlowcoreConfig taskOptions(Class<?> flowClass, String method, UnaryOperator<TaskOptions> change) {
        checkNotSealed();
        overrides.add(new TaskOverride(flowClass, method, change));
        return this;
    }

    /**
     * Changes the options of the {@code @Flow} method {@code method} of {@code flowClass} (and of subclasses
     * that inherit it), e.g. {@code cfg.flowOptions(Pipeline.class, "etl", o -> o.withRetries(2))}.
     *
     * @throws IllegalArgumentException at once when the class has no {@code @Flow} method of that name; the
     *                                  message lists its flows
     */
    public FlowcoreConfig flowOptions(Class<?> flowClass, String method, UnaryOperator<FlowOptions> change) {
        checkNotSealed();
        flowOverrides.add(new FlowOverride(flowClass, method, change));
        return this;
    }

    /**
     * How often this engine's notification sender looks for due notifications (default 2 s); zero turns
     * it off (tests deliver with {@code notifications().deliverDue()}).
     */
    public FlowcoreConfig notificationPolling(Duration every) {
        checkNotSealed();
        if (every.isNegative()) throw new IllegalArgumentException("notificationPolling must not be negative: " + every);
        this.notificationPolling = every;
        return this;
    }

    /** After this many failed deliveries in a row a notifier is paused (default 10). */
    public FlowcoreConfig notifierFailureLimit(int failures) {
        checkNotSealed();
        if (failures < 1) throw new IllegalArgumentException("notifierFailureLimit must be at least 1: " + failures);
        this.notifierFailureLimit = failures;
        return this;
    }

    /**
     * Retention: every worker of this engine deletes, in the background (hourly, and before
     * {@link Worker#runOnce()}), the flow runs that ended more than {@code age} ago, with their task runs,
     * state history, logs and notification events, as {@code flowcore flow-run delete --older-than} does. Off
     * unless set; runs that have not ended are never deleted. Large results in the result store are not deleted.
     *
     * @throws IllegalArgumentException unless {@code age} is more than zero
     */
    public FlowcoreConfig retention(Duration age) {
        checkNotSealed();
        if (!age.isPositive()) throw new IllegalArgumentException("retention must be more than zero: " + age);
        this.retention = age;
        return this;
    }

    /**
     * Records the engine's metrics into {@code registry} (Micrometer): flow and task run states entered, task run
     * durations, notification deliveries, and gauges read from the store — flow runs per state (Late included)
     * and per work queue the due, unclaimed runs and how long the oldest has waited. Names and tags are listed
     * in docs/metrics.md. {@code flowcore server start} and {@code flowcore worker start --metrics-port} serve
     * them at {@code /metrics} in Prometheus' format. Without a registry the engine records nothing.
     */
    public FlowcoreConfig meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /** Run log lines at or above this level are stored with their run (default INFO). */
    public FlowcoreConfig storedLogLevel(Level level) {
        checkNotSealed();
        this.storedLogLevel = Objects.requireNonNull(level, "level");
        return this;
    }

    Blocks openBlocks() {
        Path h = home != null ? home : FlowcoreHome.resolve();
        if (serverUrl != null) {
            checkRemote();
            io.flowcore.api.block.BlockStore bs = new io.flowcore.engine.internal.remote.RemoteBlockStore(remoteClient());
            Path keyFile = remoteHome(h).resolve("blocks.key");
            return blocksKeyEnvironment != null ? Blocks.open(bs, keyFile, blocksKeyEnvironment) : Blocks.open(bs, keyFile);
        }
        Path ws = workspaceHome(h);
        // a workspace that was never created is an error, not an empty store created under its name
        if (!openedForWorkspace && !workspace.equals(DEFAULT_WORKSPACE)) WorkspaceStores.prepare(this, h, false);
        if (openedForWorkspace) {
            // the server's FLOWCORE_BLOCKS_KEY is the key of its own workspace: every other has its own key file
            io.flowcore.api.block.BlockStore bs = databaseUrl != null
                    ? BlockStores.jdbc(workspaceUrl(), databaseUser, databasePassword)
                    : BlockStores.sqlite(ws.resolve("flowcore.db"));
            return Blocks.open(bs, ws.resolve("blocks.key"), Map.of());
        }
        io.flowcore.api.block.BlockStore bs = databaseUrl != null
                ? BlockStores.jdbc(workspaceUrl(), databaseUser, databasePassword)
                : BlockStores.sqlite(ws.resolve("flowcore.db"));
        return blocksKeyEnvironment != null ? Blocks.open(bs, ws.resolve("blocks.key"), blocksKeyEnvironment)
                : Blocks.open(bs, ws.resolve("blocks.key"));
    }

    EngineSettings seal(EngineSettings.BlockLoader blocks) {
        sealed = true;
        Path h = home != null ? home : FlowcoreHome.resolve();
        Path ws = workspaceHome(h);
        StateStore s = store;
        if (serverUrl != null) {
            checkRemote();
            s = io.flowcore.engine.internal.store.StoreFactory.remote(remoteClient(), remoteHome(h).resolve("journal"),
                    io.flowcore.engine.internal.store.StoreFactory.Options.defaults());
        } else if (s == null) {
            if (!workspace.equals(DEFAULT_WORKSPACE)) WorkspaceStores.prepare(this, h, openedForWorkspace);
            s = databaseUrl != null
                    ? StateStores.jdbc(workspaceUrl(), databaseUser, databasePassword, ws.resolve("journal"))
                    : StateStores.sqlite(ws.resolve("flowcore.db"));
        } else if (!workspace.equals(DEFAULT_WORKSPACE)) {
            throw new IllegalStateException("workspace '" + workspace + "' needs the store that flowcore opens from its "
                    + "home or database URL, not a store given as an object");
        }
        ResultStore r = resultStore != null ? resultStore : new FileResultStore(ws.resolve("results"));
        return new EngineSettings(s, r, inlineResultLimit, clock, sleeper, heartbeatInterval, leaseTimeout, tagLimits, overrides, flowOverrides,
                storedLogLevel, blocks, childEnvironment(h), meterRegistry);
    }

    private void checkRemote() {
        if (store != null || databaseUrl != null) {
            throw new IllegalStateException("an engine keeps its runs on a flowcore server or in a store or database, not both: "
                    + "remove the server(...) or the " + (store != null ? "store(...)" : "database(...) / FLOWCORE_DATABASE_URL"));
        }
        if (!workspace.equals(DEFAULT_WORKSPACE)) {
            throw new IllegalStateException("on a flowcore server the API key decides the workspace: remove workspace(\""
                    + workspace + "\") / FLOWCORE_WORKSPACE and use a key of that workspace");
        }
    }

    /** The engine's client of its server, shared by its store and its blocks (one HTTP client, one connection pool). */
    private synchronized io.flowcore.engine.internal.remote.RemoteClient remoteClient() {
        if (remote == null) {
            remote = new io.flowcore.engine.internal.remote.RemoteClient(serverUrl, serverKey, java.time.Duration.ofSeconds(60));
        }
        return remote;
    }

    /** {@code <home>/remote/<host>_<port>}: this machine's journals and key file for one server. */
    private Path remoteHome(Path h) {
        java.net.URI u = java.net.URI.create(serverUrl);
        String name = (u.getHost() == null ? "server" : u.getHost()) + "_" + (u.getPort() < 0 ? 80 : u.getPort());
        return h.resolve("remote").resolve(name.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** The home of this engine's workspace: the home itself for the default one. */
    Path workspaceHome(Path h) {
        return workspace.equals(DEFAULT_WORKSPACE) ? h : h.resolve("workspaces").resolve(workspace);
    }

    /** The database URL of this engine's workspace (null without a database). */
    String workspaceUrl() {
        return databaseUrl == null || workspace.equals(DEFAULT_WORKSPACE) ? databaseUrl
                : WorkspaceStores.withSchema(databaseUrl, WorkspaceStores.schema(databaseUrl, workspace));
    }

    Path home() {
        return home;
    }

    String databaseUrl() {
        return databaseUrl;
    }

    String databaseUser() {
        return databaseUser;
    }

    String databasePassword() {
        return databasePassword;
    }

    /**
     * A copy of these settings for workspace {@code name} (see {@link Flowcore#openWorkspace}): the same home or
     * database, clock and engine settings; its store is created when missing and its blocks use its own key file.
     */
    FlowcoreConfig forWorkspace(String name) {
        if (store != null) {
            throw new IllegalStateException("workspaces need the store that flowcore opens from its home or database "
                    + "URL, not a store given as an object");
        }
        FlowcoreConfig c = new FlowcoreConfig();
        c.home = home;
        c.databaseUrl = databaseUrl;
        c.databaseUser = databaseUser;
        c.databasePassword = databasePassword;
        c.workspace = checkWorkspaceName(name);
        c.openedForWorkspace = true;
        c.inlineResultLimit = inlineResultLimit;
        c.notificationPolling = notificationPolling;
        c.notifierFailureLimit = notifierFailureLimit;
        c.retention = retention;
        c.clock = clock;
        c.sleeper = sleeper;
        c.heartbeatInterval = heartbeatInterval;
        c.leaseTimeout = leaseTimeout;
        c.tagLimits.putAll(tagLimits);
        c.storedLogLevel = storedLogLevel;
        return c;
    }
}
