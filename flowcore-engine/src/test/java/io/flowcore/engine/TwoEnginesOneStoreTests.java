package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.state.StateMachine;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines on one store, as workers will be: a skewed clock does not crash a live run; a run that is
 * taken over (its holder's heartbeat stopped) ends as the store says for its holder too; a cancellation
 * from the other engine racing the run's completion ends Completed or Cancelled, never in between.
 */
@DisplayName("two engines on one store")
class TwoEnginesOneStoreTests {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration LEASE = Duration.ofSeconds(1);

    /** Latches by key, so that several runs of the flow can each wait on their own. */
    static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
    static final Map<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();

    public static class Blocked {
        @Task
        public String prepare() {
            return "ready";
        }

        @Task
        public String waitFor(String key) throws InterruptedException {
            CountDownLatch gate = gate(key);
            ENTERED.computeIfAbsent(key, k -> new CountDownLatch(1)).countDown();
            // Ignores interrupts on purpose: stands in for work that a takeover cannot stop at once.
            while (true) {
                try {
                    gate.await();
                    return "done " + key;
                } catch (InterruptedException ignored) {
                    RunContext.logger().info("interrupted; finishing anyway");
                }
            }
        }

        @Flow(name = "blocked")
        public String blocked(String key) throws InterruptedException {
            prepare();
            return waitFor(key);
        }
    }

    abstract static class OnAStore {
        @TempDir
        Path home;

        /** Configures an engine on the shared store. */
        abstract Consumer<FlowcoreConfig> store();

        Flowcore engine(String name, InstantSource clock) {
            return Flowcore.create(cfg -> {
                cfg.home(home.resolve(name)).clock(clock).lease(HEARTBEAT, LEASE);
                store().accept(cfg);
            });
        }

        @AfterEach
        void openGates() {
            GATES.values().forEach(CountDownLatch::countDown);
        }

        @Test
        void anEngineWhoseClockIsAMinuteAheadDoesNotCrashALiveRun() throws Exception {
            String key = UUID.randomUUID().toString();
            try (Flowcore a = engine("a", InstantSource.system());
                 Flowcore b = engine("b", InstantSource.offset(java.time.Clock.systemUTC(), Duration.ofSeconds(60)))) {
                CompletableFuture<FlowRun<String>> run = CompletableFuture.supplyAsync(
                        () -> a.execute(Blocked.class, f -> f.blocked(key)));
                assertTrue(entered(key).await(30, TimeUnit.SECONDS));
                // B judges A's lease for longer than the lease timeout (its own heartbeat does too).
                long until = System.nanoTime() + LEASE.multipliedBy(2).toNanos();
                while (System.nanoTime() < until) {
                    assertEquals(List.of(), b.engineForTest().recoverCrashedRuns());
                    Thread.sleep(HEARTBEAT.toMillis());
                }
                gate(key).countDown();
                FlowRun<String> done = run.get(30, TimeUnit.SECONDS);
                assertEquals(StateType.COMPLETED, done.state().type());
                assertEquals(StateType.COMPLETED, b.history().flowRun(done.id()).orElseThrow().state().type());
            }
        }

        @Test
        void aRunTakenOverWhileItsEngineWasSilentEndsAsTheStoreSaysForItsCallerToo() throws Exception {
            String key = UUID.randomUUID().toString();
            TestEngines.ManualClock bClock = new TestEngines.ManualClock(Instant.now().plusSeconds(60));
            try (Flowcore a = engine("a", InstantSource.system()); Flowcore b = engine("b", bClock)) {
                CompletableFuture<FlowRun<String>> run = CompletableFuture.supplyAsync(
                        () -> a.execute(Blocked.class, f -> f.blocked(key)));
                assertTrue(entered(key).await(30, TimeUnit.SECONDS));
                UUID id = a.history().flowRuns(FlowRunQuery.all().flow("blocked").inStates(StateType.RUNNING))
                        .getFirst().id();
                // A stops renewing its lease (a long GC pause, a stalled writer); B sees it silent for longer
                // than the lease timeout on B's own clock and takes the run over.
                a.engineForTest().pauseHeartbeatsForTest(true);
                a.history().flowRun(id); // A's last heartbeat is in the database: from now on it does not change
                b.engineForTest().recoverCrashedRuns();
                bClock.advance(LEASE.plusSeconds(1));
                b.engineForTest().recoverCrashedRuns(); // (or B's own heartbeat got there first)
                assertEquals(StateType.CRASHED, b.history().flowRun(id).orElseThrow().state().type());
                a.engineForTest().pauseHeartbeatsForTest(false);

                // A's task finishes after all: its writes are refused and its caller sees the store's verdict.
                gate(key).countDown();
                FlowRun<String> done = run.get(30, TimeUnit.SECONDS);

                assertEquals(StateType.CRASHED, done.state().type(), done.state().toString());
                FlowRunRecord stored = b.history().flowRun(id).orElseThrow();
                assertEquals(done.state(), stored.state(), "what A's caller sees is what the store keeps");
                assertEquals(List.of("Pending", "Running", "Crashed"), TestEngines.names(b, id));
                assertLegal(b.history().stateHistory(id));
                List<TaskRunRecord> tasks = b.history().taskRuns(id);
                assertEquals(List.of("prepare-0:COMPLETED", "waitFor-0:CRASHED"),
                        tasks.stream().map(t -> t.name() + ":" + t.state().type()).toList());
                for (TaskRunRecord t : tasks) assertLegal(b.history().stateHistory(t.id()));
                List<String> logs = a.history().logs(id).stream().map(RunLog::message).toList(); // A flushes its lines
                assertTrue(logs.stream().anyMatch(m -> m.contains("was taken over by another process")), logs.toString());
            }
        }

        @Test
        void aCancellationFromTheOtherEngineRacingCompletionEndsCompletedOrCancelledAndBothAgree() throws Exception {
            int completed = 0, cancelled = 0;
            try (Flowcore a = engine("a", InstantSource.system()); Flowcore b = engine("b", InstantSource.system())) {
                for (int i = 0; i < 12; i++) {
                    String key = UUID.randomUUID().toString();
                    CompletableFuture<FlowRun<String>> run = CompletableFuture.supplyAsync(
                            () -> a.execute(Blocked.class, f -> f.blocked(key)));
                    assertTrue(entered(key).await(30, TimeUnit.SECONDS));
                    List<FlowRunRecord> runs = a.history().flowRuns(FlowRunQuery.all().flow("blocked")); // A flushes its writes
                    UUID id = runs.stream().filter(r -> r.parametersJson().contains(key)).findFirst()
                            .orElseThrow(() -> new AssertionError("no run for " + key + " in " + runs)).id();
                    CountDownLatch go = new CountDownLatch(1);
                    CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> {
                        await(go);
                        return b.cancel(id);
                    });
                    go.countDown();
                    if (i % 2 == 0) Thread.onSpinWait();
                    gate(key).countDown();
                    FlowRun<String> done = run.get(30, TimeUnit.SECONDS);
                    cancel.get(30, TimeUnit.SECONDS);

                    StateType end = done.state().type();
                    assertTrue(end == StateType.COMPLETED || end == StateType.CANCELLED, "run " + i + " ended " + end);
                    assertEquals(done.state().type(), b.history().flowRun(id).orElseThrow().state().type(),
                            "run " + i + ": the caller and the store agree");
                    assertLegal(b.history().stateHistory(id));
                    for (TaskRunRecord t : b.history().taskRuns(id)) {
                        assertTrue(t.state().isFinal(), t.name() + " of run " + i + " is " + t.state());
                        assertLegal(b.history().stateHistory(t.id()));
                    }
                    if (end == StateType.COMPLETED) completed++;
                    else cancelled++;
                }
            }
            assertEquals(12, completed + cancelled);
        }
    }

    @Nested
    @DisplayName("on one SQLite file")
    class OnSqlite extends OnAStore {
        @Override
        Consumer<FlowcoreConfig> store() {
            Path db = home.resolve("shared.db");
            return cfg -> cfg.store(io.flowcore.engine.StateStores.sqlite(db));
        }
    }

    @Nested
    @DisplayName("on PostgreSQL")
    class OnPostgres extends OnAStore {
        private TestInfra.PgSchema schema;

        @Override
        synchronized Consumer<FlowcoreConfig> store() {
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_two");
            String url = schema.url();
            TestInfra.Postgres pg = schema.pg();
            return cfg -> cfg.database(url, pg.user(), pg.password());
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) schema.close();
        }
    }

    static CountDownLatch gate(String key) {
        return GATES.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    private static CountDownLatch entered(String key) {
        return ENTERED.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every step of the history is a legal transition of the state machine. */
    static void assertLegal(List<StateChange> history) {
        for (int i = 1; i < history.size(); i++) {
            var from = history.get(i - 1).state().type();
            var to = history.get(i).state().type();
            assertTrue(StateMachine.isLegal(from, to), "illegal step " + from + " -> " + to + " in " + history);
        }
        assertFalse(history.isEmpty());
    }
}
