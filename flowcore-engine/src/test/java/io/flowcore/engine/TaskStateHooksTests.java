package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Task-level state hooks on the real stores: each hook records the state the database holds when it runs. */
@DisplayName("task state hooks")
class TaskStateHooksTests {
    @TempDir
    Path home;
    TestInfra.PgSchema schema;
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static final AtomicInteger attempts = new AtomicInteger();
    static CountDownLatch started;
    /** Opens a connection of its own to the database the engine writes to. */
    static volatile Database db;

    interface Database {
        Connection open() throws SQLException;
    }

    @BeforeEach
    void reset() {
        calls.clear();
        attempts.set(0);
        started = new CountDownLatch(1);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) schema.close();
    }

    Flowcore open(String store, Consumer<FlowcoreConfig> more) {
        if (store.equals("postgresql")) {
            schema = TestInfra.PgSchema.create("task_hooks");
            TestInfra.PgSchema s = schema;
            db = () -> DriverManager.getConnection(s.url(), s.pg().user(), s.pg().password());
        } else {
            Path file = home.resolve("flowcore.db");
            db = () -> DriverManager.getConnection("jdbc:sqlite:" + file);
        }
        return Flowcore.create(cfg -> {
            cfg.home(home).sleeper(new TestEngines.RecordingSleeper());
            if (schema != null) cfg.database(schema.url(), schema.pg().user(), schema.pg().password());
            more.accept(cfg);
        });
    }

    /** The task run's state name as committed to the database, read on a connection of its own. */
    static String committed(UUID taskRunId) {
        try (Connection c = db.open();
             PreparedStatement ps = c.prepareStatement("SELECT state_name FROM task_runs WHERE id = ?")) {
            ps.setString(1, taskRunId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "absent";
            }
        } catch (SQLException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    public static class Loads {
        /** Fails its first {@code failures} attempts. */
        @Task(retries = 2, onCompletion = {"broken", "record"}, onFailure = "record")
        public int load(int failures) {
            int attempt = attempts.incrementAndGet();
            if (attempt <= failures) throw new IllegalStateException("attempt " + attempt + " failed");
            return attempt;
        }

        @Task(cache = CacheMode.INPUTS, onCompletion = "record")
        public int lookup(int key) {
            attempts.incrementAndGet();
            return key * 2;
        }

        @Task(onCompletion = "record", onFailure = "record", onCancellation = "record")
        public void hold() throws InterruptedException {
            started.countDown();
            new CountDownLatch(1).await(); // until the cancellation interrupts it
        }

        @Task(onCompletion = "record")
        public int extract() {
            return 1;
        }

        @Flow(name = "loads")
        public int etl(int failures) {
            return load(failures);
        }

        @Flow(name = "extract-load")
        public int extractLoad(int failures) {
            return extract() + load(failures);
        }

        @Flow(name = "lookups")
        public int lookups(int key) {
            return lookup(key);
        }

        @Flow(name = "held")
        public void held() throws InterruptedException {
            hold();
        }

        public void record(TaskRunRecord run, State state) {
            calls.add(run.name() + ":" + state.name() + ":" + committed(run.id()));
        }

        public void broken(TaskRunRecord run, State state) {
            calls.add("broken");
            throw new IllegalStateException("the pager is down");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTaskRetriedThenCompletedCallsItsCompletionHooksOnceAfterTheCommitAndAThrowingHookChangesNothing(
            String store) {
        try (Flowcore fc = open(store, cfg -> { })) {
            FlowRun<Integer> run = fc.execute(Loads.class, f -> f.etl(2));

            assertEquals(StateType.COMPLETED, run.state().type());
            assertEquals(List.of("broken", "load-0:Completed:Completed"), calls,
                    "no failure hook for the failed attempts");
            TaskRunRecord task = fc.history().taskRuns(run.id()).getFirst();
            assertEquals(List.of("Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying",
                    "Completed"), TestEngines.names(fc, task.id()), "the throwing hook added no state");
            List<String> lines = run.logs().stream().map(RunLog::message).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("An error was encountered while running hook 'broken'")
                    && l.contains("the pager is down")), lines.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTaskThatFailsAfterItsRetriesCallsItsFailureHooksOnce(String store) {
        try (Flowcore fc = open(store, cfg -> { })) {
            FlowRun<Integer> run = fc.execute(Loads.class, f -> f.etl(3));

            assertEquals(StateType.FAILED, run.state().type());
            assertEquals(3, attempts.get());
            assertEquals(List.of("load-0:Failed:Failed"), calls);
        }
    }

    @Test
    void hooksSurviveOptionsSetInCode() {
        try (Flowcore fc = open("sqlite", cfg -> cfg.taskOptions(Loads.class, "load", o -> o.withRetries(3)))) {
            FlowRun<Integer> run = fc.execute(Loads.class, f -> f.etl(3));

            assertEquals(StateType.COMPLETED, run.state().type());
            assertEquals(List.of("broken", "load-0:Completed:Completed"), calls);
        }
    }

    @Test
    void aCachedResultCallsTheCompletionHooksWithTheCachedState() {
        try (Flowcore fc = open("sqlite", cfg -> { })) {
            fc.execute(Loads.class, f -> f.lookups(21));
            FlowRun<Integer> again = fc.execute(Loads.class, f -> f.lookups(21));

            assertEquals(42, again.result());
            assertEquals(1, attempts.get(), "the second run read the cache");
            assertEquals(List.of("lookup-0:Completed:Completed", "lookup-0:Cached:Cached"), calls);
        }
    }

    @Test
    void aResumedResultCallsTheCompletionHooksWithTheResumedState() {
        try (Flowcore fc = open("sqlite", cfg -> { })) {
            FlowRun<Integer> failed = fc.execute(Loads.class, f -> f.extractLoad(3));
            assertEquals(StateType.FAILED, failed.state().type());
            FlowRun<Object> resumed = fc.resume(failed.id());

            assertEquals(StateType.COMPLETED, resumed.state().type());
            assertEquals(List.of("extract-0:Completed:Completed", "load-0:Failed:Failed",
                    "extract-0:Resumed:Resumed", "broken", "load-0:Completed:Completed"), calls);
        }
    }

    @Test
    void aTaskCancelledWithItsFlowRunCallsItsCancellationHooks() throws Exception {
        try (Flowcore fc = open("sqlite", cfg -> { })) {
            Thread runner = Thread.ofVirtual().start(() -> fc.executeVoid(Loads.class, Loads::held));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            FlowRunRecord live = fc.history().flowRuns(FlowRunQuery.all().flow("held")).getFirst();
            assertTrue(fc.cancel(live.id()));
            runner.join();

            assertEquals(List.of("hold-0:Cancelled:Cancelled"), calls);
        }
    }

    public static class Misspelt {
        @Task(onFailure = "notfy")
        public void load() {
        }

        @Flow
        public void etl() {
            load();
        }

        public void notify(TaskRunRecord run, State state) {
        }

        public void page(TaskRunRecord run, State state) {
        }
    }

    public static class FlowSignature {
        @Task(onCompletion = "announce")
        public void load() {
        }

        @Flow
        public void etl() {
            load();
        }

        public void announce(FlowRunRecord run, State state) {
        }
    }

    @Test
    void aHookNameMatchingNoMethodIsAnErrorAtFirstUseNamingTheTaskTheAttributeAndTheMethod() {
        try (Flowcore fc = open("sqlite", cfg -> { })) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fc.executeVoid(Misspelt.class, Misspelt::etl));
            assertTrue(e.getMessage().contains("@Task(onFailure = \"notfy\") on Misspelt.load(): "
                    + "Misspelt has no method notfy(TaskRunRecord, State); the methods that fit are: notify, page"),
                    e.getMessage());
        }
    }

    @Test
    void aHookWithTheWrongParametersIsAnErrorAtFirstUseSayingSo() {
        try (Flowcore fc = open("sqlite", cfg -> { })) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fc.executeVoid(FlowSignature.class, FlowSignature::etl));
            assertTrue(e.getMessage().contains("@Task(onCompletion = \"announce\") on FlowSignature.load(): "
                    + "FlowSignature has no method announce(TaskRunRecord, State); "
                    + "its announce(FlowRunRecord, State) has other parameters than a task hook takes; declare one"),
                    e.getMessage());
        }
    }
}
