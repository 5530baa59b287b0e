package io.flowcore.testing;

import io.flowcore.engine.Flowcore;
import io.flowcore.engine.FlowcoreConfig;
import io.flowcore.engine.StateStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh engine: its home in a temporary folder, runs kept in memory (or in a temporary
 * SQLite database, to test what survives a restart), a {@link ManualClock} and a {@link RecordingSleeper}
 * that advances it. The engine is closed and the folder deleted after each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * FlowcoreExtension flowcore = FlowcoreExtension.inMemory().configure(cfg -> cfg.concurrencyLimit("db", 1));
 *
 * @Test
 * void retriesThenCompletes() {
 *     FlowRun<Long> run = flowcore.engine().execute(MyFlows.class, f -> f.etl(1));
 *     FlowRunAssert.assertThatRun(run).isCompleted().hasStateHistory("Pending", "Running", "Completed");
 * }
 * }</pre>
 *
 * With {@code @ExtendWith(FlowcoreExtension.class)} the in-memory form is used, and test methods receive
 * the {@link Flowcore}, {@link ManualClock} and {@link RecordingSleeper} as parameters.
 */
public final class FlowcoreExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final boolean sqlite;
    private Consumer<FlowcoreConfig> more = cfg -> { };
    private Path home;
    private ManualClock clock;
    private RecordingSleeper sleeper;
    private Flowcore engine;

    /** Runs kept in memory: the fastest, for most tests. Same as {@code @ExtendWith(FlowcoreExtension.class)}. */
    public FlowcoreExtension() {
        this(false);
    }

    private FlowcoreExtension(boolean sqlite) {
        this.sqlite = sqlite;
    }

    /** Runs kept in memory. */
    public static FlowcoreExtension inMemory() {
        return new FlowcoreExtension(false);
    }

    /** Runs kept in a SQLite database in the test's temporary home, as in production. */
    public static FlowcoreExtension sqlite() {
        return new FlowcoreExtension(true);
    }

    /** More configuration, applied after the extension's own (so it may replace the clock or sleeper). */
    public FlowcoreExtension configure(Consumer<FlowcoreConfig> configuration) {
        Consumer<FlowcoreConfig> before = more;
        Consumer<FlowcoreConfig> added = Objects.requireNonNull(configuration, "configuration");
        this.more = cfg -> {
            before.accept(cfg);
            added.accept(cfg);
        };
        return this;
    }

    /** The current test's engine. */
    public Flowcore engine() {
        return current(engine);
    }

    /** The current test's clock (the engine's). */
    public ManualClock clock() {
        return current(clock);
    }

    /** The current test's sleeper (the engine's); it advances {@link #clock()}. */
    public RecordingSleeper sleeper() {
        return current(sleeper);
    }

    /** The current test's flowcore home (a temporary folder). */
    public Path home() {
        return current(home);
    }

    private static <T> T current(T value) {
        if (value == null) {
            throw new IllegalStateException("no test is running: FlowcoreExtension gives its engine, clock and "
                    + "sleeper to test methods (register it with @RegisterExtension or @ExtendWith)");
        }
        return value;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("flowcore-test-");
        clock = new ManualClock();
        sleeper = new RecordingSleeper(clock);
        engine = Flowcore.create(cfg -> {
            cfg.home(home).clock(clock).sleeper(sleeper);
            if (!sqlite) cfg.store(StateStores.inMemory());
            more.accept(cfg);
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (engine != null) engine.close();
        } finally {
            deleteTree(home);
            engine = null;
            clock = null;
            sleeper = null;
            home = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> t = p.getParameter().getType();
        return t == Flowcore.class || t == ManualClock.class || t == RecordingSleeper.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Class<?> t = p.getParameter().getType();
        if (t == Flowcore.class) return engine();
        if (t == ManualClock.class) return clock();
        return sleeper();
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test's flowcore home " + root, e);
        }
    }
}
