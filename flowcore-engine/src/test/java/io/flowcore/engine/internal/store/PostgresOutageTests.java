package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops answering for longer than the store's retry window, behind a proxy that holds every
 * byte (connections stay open, reads hang: a frozen server or a partition). Queries, cancel and close
 * return within a bounded time, nothing that was written is lost, and the store recovers when the
 * database answers again. One NUL character in a log line, a print and an exception message stops nothing.
 */
@DisplayName("PostgreSQL out of reach, and text it cannot store")
class PostgresOutageTests {
    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final Duration SOCKET = Duration.ofSeconds(2);
    /** Generous: the window, a socket timeout, a connect timeout and a loaded machine. */
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(20);

    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final CountDownLatch DURING_STARTED = new CountDownLatch(1);
    static final CountDownLatch LONG_STARTED = new CountDownLatch(1);
    static final CountDownLatch LONG_INTERRUPTED = new CountDownLatch(1);

    @TempDir
    Path home;
    private TestInfra.Postgres pg;
    private String schema;

    public static class Small {
        @Task
        public int twice(int x) {
            return 2 * x;
        }

        @Task
        public void hold() throws InterruptedException {
            RELEASE.await();
        }

        @Task
        public void mark() {
            DURING_STARTED.countDown();
        }

        @Task
        public void longWork() {
            LONG_STARTED.countDown();
            try {
                new CountDownLatch(1).await(); // until interrupted
            } catch (InterruptedException e) {
                LONG_INTERRUPTED.countDown();
                Thread.currentThread().interrupt();
            }
        }

        @Flow(name = "long")
        public void longFlow() {
            longWork();
        }

        @Flow(name = "during")
        public int during() {
            mark();
            return twice(5);
        }

        @Flow(name = "small")
        public int small(int x) {
            return twice(x);
        }

        @Flow(name = "held")
        public void held() throws InterruptedException {
            hold();
        }

        @Flow(name = "nul", logPrints = true)
        public void nul() {
            RunContext.logger().info("a NUL \u0000 in a log line");
            System.out.println("and one \u0000 in a print");
            throw new IllegalStateException("and one \u0000 in a message");
        }
    }

    @BeforeEach
    void schema() throws Exception {
        pg = TestInfra.postgres();
        schema = "flowcore_outage_" + UUID.randomUUID().toString().replace("-", "");
        try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void drop() throws Exception {
        try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private String url(int port) {
        URI u = URI.create(pg.url().substring("jdbc:".length()));
        return "jdbc:postgresql://127.0.0.1:" + port + u.getPath() + "?currentSchema=" + schema;
    }

    private Flowcore engine(String url) {
        return Flowcore.create(cfg -> cfg.home(home).store(StoreFactory.jdbc(url, pg.user(), pg.password(),
                home.resolve("journal"), new StoreFactory.Options(WINDOW, SOCKET))));
    }

    private static void assertBounded(String what, long start) {
        long took = System.nanoTime() - start;
        assertTrue(took < BOUND_NANOS, what + " took " + took / 1e9 + " s");
    }

    @Test
    void queriesCancelAndCloseReturnInBoundedTimeAndTheWriterRecoversWhenTheDatabaseReturns() throws Exception {
        int pgPort = URI.create(pg.url().substring("jdbc:".length())).getPort();
        try (StallingProxy proxy = new StallingProxy(pgPort)) {
            Flowcore fc = engine(url(proxy.port()));
            assertEquals(42, fc.execute(Small.class, f -> f.small(21)).result());
            CompletableFuture<FlowRun<Void>> held = CompletableFuture.supplyAsync(
                    () -> fc.executeVoid(Small.class, Small::held));
            while (fc.history().flowRuns(FlowRunQuery.all().flow("held").inStates(StateType.RUNNING)).isEmpty()) {
                Thread.onSpinWait();
            }

            proxy.stall();
            long start = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> fc.history().flowRuns(FlowRunQuery.all()));
            assertBounded("a history query", start);
            assertTrue(String.valueOf(e.getMessage()).contains("journal") || e.getCause() != null, e.toString());
            start = System.nanoTime();
            UUID unknown = UUID.randomUUID();
            assertThrows(RuntimeException.class, () -> fc.cancel(unknown));
            assertBounded("cancel", start);

            // The held flow finishes during the outage: its final state cannot be acknowledged in time.
            RELEASE.countDown();
            start = System.nanoTime();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> held.get(60, TimeUnit.SECONDS));
            assertBounded("the held flow's end", start);
            assertTrue(failed.getCause().getMessage().contains("has been failing"), failed.getCause().toString());

            proxy.resume();
            start = System.nanoTime();
            awaitAnswering(fc);
            assertBounded("recovering", start);
            FlowRun<Integer> after = fc.execute(Small.class, f -> f.small(2));
            assertEquals(4, after.result(), "the writer recovered");
            List<FlowRunRecord> runs = fc.history().flowRuns(FlowRunQuery.all());
            assertEquals(3, runs.size());
            assertEquals(StateType.COMPLETED, runs.stream().filter(r -> r.flowName().equals("held")).findFirst()
                    .orElseThrow().state().type(), "the write made during the outage was applied once it ended");

            proxy.stall();
            CompletableFuture<FlowRun<Integer>> during = CompletableFuture.supplyAsync(() -> fc.execute(Small.class,
                    Small::during));
            assertTrue(DURING_STARTED.await(30, TimeUnit.SECONDS));
            start = System.nanoTime();
            fc.close();
            assertBounded("close", start);
            assertThrows(ExecutionException.class, () -> during.get(60, TimeUnit.SECONDS));
            proxy.resume();
        }
        // What was journaled but not applied when close gave up is replayed by the next open.
        try (Flowcore fc = engine(url(URI.create(pg.url().substring("jdbc:".length())).getPort()))) {
            List<FlowRunRecord> during = fc.history().flowRuns(FlowRunQuery.all().flow("during"));
            assertEquals(1, during.size(), during.toString());
            assertTrue(during.getFirst().state().isFinal(), during.getFirst().state().toString());
        }
    }

    @Test
    void anEngineThatCannotRenewItsLeaseCancelsItsOwnRunsBeforeTheLeaseExpires() throws Exception {
        Duration heartbeat = Duration.ofMillis(250);
        Duration lease = Duration.ofSeconds(4);
        int pgPort = URI.create(pg.url().substring("jdbc:".length())).getPort();
        try (StallingProxy proxy = new StallingProxy(pgPort)) {
            Flowcore fc = Flowcore.create(cfg -> cfg.home(home).lease(heartbeat, lease).store(StoreFactory.jdbc(
                    url(proxy.port()), pg.user(), pg.password(), home.resolve("journal"),
                    new StoreFactory.Options(Duration.ofSeconds(30), SOCKET))));
            CompletableFuture<FlowRun<Void>> run = CompletableFuture.supplyAsync(
                    () -> fc.executeVoid(Small.class, Small::longFlow));
            assertTrue(LONG_STARTED.await(30, TimeUnit.SECONDS));
            proxy.stall();
            long stalled = System.nanoTime();

            assertTrue(LONG_INTERRUPTED.await(30, TimeUnit.SECONDS), "the run was cancelled");
            double after = (System.nanoTime() - stalled) / 1e9;
            assertTrue(after < lease.toMillis() / 1000.0, "cancelled " + after + " s after the store went silent; "
                    + "the lease expires after " + lease.toSeconds() + " s");

            proxy.resume();
            FlowRun<Void> done = run.get(60, TimeUnit.SECONDS);
            assertEquals(StateType.CANCELLED, done.state().type(), done.state().toString());
            fc.close();
        }
    }

    /** Until the store answers a query again (its writer reconnects and applies what it holds). */
    private static void awaitAnswering(Flowcore fc) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (true) {
            try {
                fc.history().flowRuns(FlowRunQuery.all());
                return;
            } catch (RuntimeException stillDown) {
                assertTrue(System.nanoTime() < deadline, "the store never recovered: " + stillDown);
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aNulCharacterInALogLineAPrintAndAnExceptionMessageStopsNothing() throws Exception {
        int pgPort = URI.create(pg.url().substring("jdbc:".length())).getPort();
        try (Flowcore fc = engine(url(pgPort))) {
            FlowRun<Void> nul = fc.executeVoid(Small.class, Small::nul);
            assertEquals(StateType.FAILED, nul.state().type());
            String stored = fc.history().flowRun(nul.id()).orElseThrow().state().message();
            assertTrue(stored.contains("and one \u2400 in a message"), stored);
            List<String> lines = fc.history().logs(nul.id()).stream().map(RunLog::message).toList();
            assertTrue(lines.contains("a NUL \u2400 in a log line"), lines.toString());
            assertTrue(lines.contains("and one \u2400 in a print"), lines.toString());
            for (int i = 0; i < 100; i++) {
                int x = i;
                assertEquals(2 * x, fc.execute(Small.class, f -> f.small(x)).result());
            }
        }
        try (Flowcore fc = engine(url(pgPort))) {
            assertEquals(100, fc.history().flowRuns(FlowRunQuery.all().flow("small").limit(1000)).size());
            assertEquals(StateType.FAILED, fc.history().flowRuns(FlowRunQuery.all().flow("nul")).getFirst().state().type());
        }
    }
}
