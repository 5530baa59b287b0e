package io.flowcore.cli;

import io.flowcore.api.block.BlockException;
import io.flowcore.engine.FlowcoreHome;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code flowcore} command line. Run {@code flowcore block --help} for the block commands.
 */
@Command(name = "flowcore", mixinStandardHelpOptions = true, version = "flowcore 0.1.0",
        description = "Embedded workflow orchestration for the JVM.",
        subcommands = {BlockCommand.class, DeploymentCommand.class, WorkerCommand.class, FlowRunCommand.class,
                NotificationCommand.class, WorkQueueCommand.class, ServerCommand.class})
public final class FlowcoreCli {

    @Option(names = "--home",
            description = "The flowcore home (default: $FLOWCORE_HOME, else -Dflowcore.home, else ~/.flowcore).")
    Path home;

    @Option(names = "--database", paramLabel = "JDBC_URL", description = "Keep runs and deployments in this "
            + "PostgreSQL database (default: $FLOWCORE_DATABASE_URL, else the embedded store under the home). The user and "
            + "password come from $FLOWCORE_DATABASE_USER and $FLOWCORE_DATABASE_PASSWORD, never from the command line.")
    String database;

    @Option(names = "--server", paramLabel = "URL", description = "Work through this flowcore server instead of a "
            + "database (default: $FLOWCORE_SERVER_URL), e.g. 'worker start --server http://flowcore:4200'. The API key "
            + "(role worker, or admin to change deployments and blocks) comes from $FLOWCORE_API_KEY, never from the "
            + "command line; it decides the workspace.")
    String server;

    @Option(names = "--workspace", paramLabel = "NAME", description = "Work in this workspace of the store (default: "
            + "$FLOWCORE_WORKSPACE, else 'default'), as a worker of that workspace does; see 'server workspace create'.")
    String workspace;

    @Option(names = "--classpath", paramLabel = "PATHS", description = "Jars and class folders with your flows "
            + "(':'-separated; default: $FLOWCORE_CLASSPATH), for 'deployment apply' and 'worker start'.")
    String classpath;

    /** Where secrets typed with {@code -} are read from. */
    final InputStream stdin;
    /** The environment: {@code FLOWCORE_HOME}, {@code FLOWCORE_BLOCKS_KEY}, and variables named by {@code env:}. */
    final Map<String, String> env;

    FlowcoreCli(InputStream stdin, Map<String, String> env) {
        this.stdin = stdin;
        this.env = Map.copyOf(env);
    }

    Path home() {
        return home != null ? home : FlowcoreHome.resolve(env, System.getProperties());
    }

    /**
     * An engine on the home's store or the database, with the flows' class path as this thread's context
     * class loader (deployments and workers load flow classes through it).
     */
    io.flowcore.engine.Flowcore engine() {
        return engine(false);
    }

    /** @param sendNotifications whether this engine delivers due notifications in the background (workers do) */
    io.flowcore.engine.Flowcore engine(boolean sendNotifications) {
        return engine(sendNotifications, cfg -> { });
    }

    /** @param more further settings of this command (a worker's retention) */
    io.flowcore.engine.Flowcore engine(boolean sendNotifications,
                                       java.util.function.Consumer<io.flowcore.engine.FlowcoreConfig> more) {
        installClasspath();
        return io.flowcore.engine.Flowcore.create(cfg -> {
            store(cfg);
            if (!sendNotifications) cfg.notificationPolling(java.time.Duration.ZERO);
            more.accept(cfg);
        });
    }

    /** The blocks of the store and workspace the other commands work in. */
    io.flowcore.engine.Blocks blocks() {
        return io.flowcore.engine.Blocks.open(this::store);
    }

    /** The store and workspace from the environment, then --home, --database or --server, and --workspace. */
    private void store(io.flowcore.engine.FlowcoreConfig cfg) {
        // The store's variables are read where child JVMs read them (FlowcoreConfig.environment); --database wins
        Map<String, String> store = new java.util.HashMap<>(env);
        if (database != null) {
            store.put("FLOWCORE_DATABASE_URL", database);
            store.remove("FLOWCORE_SERVER_URL");
        }
        if (server != null) {
            store.put("FLOWCORE_SERVER_URL", server);
            store.remove("FLOWCORE_DATABASE_URL");
        }
        if (workspace != null) store.put(io.flowcore.engine.FlowcoreConfig.ENV_WORKSPACE, workspace);
        cfg.environment(store).home(home());
    }

    private void installClasspath() {
        String cp = classpath != null ? classpath : env.get("FLOWCORE_CLASSPATH");
        if (cp == null || cp.isBlank()) return;
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        for (String part : cp.split(java.io.File.pathSeparator)) {
            if (part.isBlank()) continue;
            Path p = Path.of(part);
            if (!java.nio.file.Files.exists(p)) {
                throw new IllegalArgumentException("--classpath names " + p + ", which does not exist");
            }
            try {
                urls.add(p.toUri().toURL());
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException("--classpath entry " + p + ": " + e.getMessage(), e);
            }
        }
        Thread.currentThread().setContextClassLoader(new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new),
                FlowcoreCli.class.getClassLoader()));
    }

    /** A command line whose block errors print as one line ("error: ...") with exit code 1. */
    public static CommandLine commandLine() {
        return commandLine(System.in, System.getenv());
    }

    /** The command line reading standard input from {@code stdin} and variables from {@code env}. */
    static CommandLine commandLine(InputStream stdin, Map<String, String> env) {
        CommandLine cl = new CommandLine(new FlowcoreCli(stdin, env));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof BlockException) && !(e instanceof IllegalArgumentException)
                    && !(e instanceof IllegalStateException)) {
                throw e;
            }
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
