package io.flowcore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import io.flowcore.engine.StateStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers on a PostgreSQL store that restarts or freezes under them (a real server in a container): every
 * run still ends, none runs twice, and a short outage crashes nothing.
 */
@DisplayName("workers on a PostgreSQL that restarts or freezes")
class WorkersOnAFailingPostgresTests {
    /** Executions of each run's body, by batch and n: a run's body must run once. */
    static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();
    /** Released once per run body that started. */
    static final Semaphore STARTED = new Semaphore(0);
    /** The run bodies wait on it, so they are in flight while the test takes the database away. */
    static volatile CountDownLatch release = new CountDownLatch(0);

    public static class Held {
        @Task
        public int twice(int n) {
            return 2 * n;
        }

        @Flow(name = "held")
        public int held(int n, String batch) throws InterruptedException {
            EXECUTIONS.computeIfAbsent(batch + "/" + n, k -> new AtomicInteger()).incrementAndGet();
            STARTED.release();
            if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
            return twice(n);
        }
    }


    /** Short enough that a frozen server costs seconds: 2 s per network read, 6 s of retries for callers. */
    private static final StateStores.Options OPTIONS = new StateStores.Options(Duration.ofSeconds(6), Duration.ofSeconds(2));
    /** Heartbeat every 0.5 s; a lease expires after 10 s without one (runs are cancelled at 9 s). */
    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration LEASE = Duration.ofSeconds(10);

    @TempDir
    Path home;
    private PostgresContainer pg;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String batch = UUID.randomUUID().toString();

    @BeforeEach
    void startPostgres() {
        DockerInfra.require();
        pg = new PostgresContainer().start();
        STARTED.drainPermits();
    }

    @AfterEach
    void closeAll() throws Exception {
        release.countDown();
        for (AutoCloseable c : open.reversed()) c.close();
        if (pg != null) pg.close();
    }

    private Flowcore engine(String name) {
        Path h = home.resolve(name);
        Flowcore fc = Flowcore.create(cfg -> cfg.home(h).lease(HEARTBEAT, LEASE)
                .store(StateStores.jdbc(pg.jdbcUrl(), pg.user(), pg.password(), h, OPTIONS)));
        open.add(fc);
        return fc;
    }

    private Worker worker(Flowcore fc, int limit) {
        Worker w = fc.worker(o -> o.queues("outage").limit(limit).pollInterval(Duration.ofMillis(50))).start();
        open.add(w);
        return w;
    }

    private List<UUID> createRuns(Flowcore fc, int count) {
        fc.deployments().apply(Deployment.of(Held.class, "held", "outage").withWorkQueue("outage")
                .withParameters(Map.of("batch", batch)));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) ids.add(fc.deployments().run("held/outage", Map.of("n", i)).id());
        return ids;
    }

    /** Reads the run until it is final; a store that is briefly unreachable only delays the answer. */
    private static FlowRunRecord awaitFinal(Flowcore fc, UUID id, long deadlineNanos,
            java.util.function.Supplier<String> report) throws InterruptedException {
        while (true) {
            try {
                FlowRunRecord r = fc.history().flowRun(id).orElseThrow();
                if (r.state().type().isFinal()) return r;
            } catch (RuntimeException storeNotBack) {
                // keep asking until the deadline
            }
            if (System.nanoTime() >= deadlineNanos) {
                org.junit.jupiter.api.Assertions.fail("run " + id + " did not end in time; " + report.get());
            }
            Thread.sleep(50); // polling a real database: nothing to latch on
        }
    }

    /** Each run's executions, state history and last log lines, for a failure message. */
    private String report(Flowcore fc, List<UUID> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            sb.append("\n run ").append(i).append(" executed ").append(EXECUTIONS.get(batch + "/" + i)).append(" times: ");
            try {
                sb.append(stateNames(fc, id));
                var logs = fc.history().logs(id);
                logs.stream().skip(Math.max(0, logs.size() - 3)).forEach(l -> sb.append("\n   ").append(l));
            } catch (RuntimeException storeFailing) {
                sb.append("(cannot read it: ").append(storeFailing.getMessage()).append(')');
            }
        }
        return sb.toString();
    }

    private List<String> stateNames(Flowcore fc, UUID id) {
        return fc.history().stateHistory(id).stream().map(c -> c.state().name()).toList();
    }

    @Test
    @Timeout(90)
    void aFastShutdownAndRestartWhileTwoWorkersRunABatchEndsEveryRunOnceAndCrashesNone() throws Exception {
        restartWhileTwoWorkersRunABatch(pg::stop);
    }

    @Test
    @Timeout(90)
    void aCrashAndRestartWhileTwoWorkersRunABatchEndsEveryRunOnceAndCrashesNone() throws Exception {
        restartWhileTwoWorkersRunABatch(pg::kill);
    }

    private void restartWhileTwoWorkersRunABatch(Runnable takeDown) throws Exception {
        int runs = 10;
        int limit = 3;
        release = new CountDownLatch(1);
        Flowcore a = engine("a");
        Flowcore b = engine("b");
        List<UUID> ids = createRuns(a, runs);
        worker(a, limit);
        worker(b, limit);
        assertTrue(STARTED.tryAcquire(2 * limit, 30, TimeUnit.SECONDS), "both workers started their first runs");

        long down = System.nanoTime();
        takeDown.run(); // every connection breaks under the running flows
        pg.start();
        System.out.println("the database was down for " + (System.nanoTime() - down) / 1_000_000 + " ms");
        // Keep the runs in flight for a full lease period after the store is back: had the outage expired
        // a lease, a worker would now mark the other's runs Crashed.
        Thread.sleep(LEASE.plusSeconds(1).toMillis());
        release.countDown();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < runs; i++) {
            FlowRunRecord r = awaitFinal(a, ids.get(i), deadline, () -> report(a, ids));
            assertEquals(StateType.COMPLETED, r.state().type(), "run " + i + ": " + r.state() + report(a, ids));
            assertFalse(stateNames(a, r.id()).contains("Crashed"), "run " + i + " " + stateNames(a, r.id()));
            assertEquals(1, EXECUTIONS.get(batch + "/" + i).get(), "run " + i + " executed once");
        }
    }

    @Test
    @Timeout(90)
    void aServerFrozenLongerThanTheSocketTimeoutEndsTheRunOnceWithoutHanging() throws Exception {
        release = new CountDownLatch(1);
        Flowcore fc = engine("frozen");
        UUID id = createRuns(fc, 1).getFirst();
        Worker w = worker(fc, 1);
        assertTrue(STARTED.tryAcquire(1, 30, TimeUnit.SECONDS), "the worker started the run");

        pg.pause();
        release.countDown(); // the flow goes on and writes its task's states into a frozen server
        // Longer than the socket timeout, the retry window and the lease: every bound has to fire.
        Thread.sleep(LEASE.plusSeconds(2).toMillis());
        pg.unpause();

        long unpaused = System.nanoTime();
        FlowRunRecord r = awaitFinal(fc, id, unpaused + Duration.ofSeconds(30).toNanos(), () -> report(fc, List.of(id)));
        long seconds = Duration.ofNanos(System.nanoTime() - unpaused).toSeconds();
        System.out.println("frozen run ended " + r.state() + " " + seconds + " s after unpause; " + stateNames(fc, id));
        assertTrue(r.state().type() == StateType.COMPLETED || r.state().type() == StateType.CANCELLED
                || r.state().type() == StateType.CRASHED, r.state().toString());
        if (r.state().type() != StateType.COMPLETED) {
            assertNotNull(r.state().message());
            assertFalse(r.state().message().isBlank(), "a run that did not complete says why: " + r.state());
        }
        assertTrue(w.stop(Duration.ofSeconds(15)), "the worker stops without hanging");
        assertEquals(1, EXECUTIONS.get(batch + "/0").get(), "the run executed once");
    }

    @Test
    @Timeout(90)
    void aRunHeldThroughAFreezeLongerThanTheLeaseIsCancelledBeforeItExpiresAndRunsOnce() throws Exception {
        FlowRunRecord r = holdARunThroughAFreezeLongerThanTheLease();
        assertTrue(r.state().type() == StateType.CANCELLED || r.state().type() == StateType.CRASHED, r.state().toString());
    }

    @Test
    @Timeout(90)
    void aRunCancelledBecauseTheStoreWasOutOfReachSaysSoInItsState() throws Exception {
        FlowRunRecord r = holdARunThroughAFreezeLongerThanTheLease();
        String why = String.valueOf(r.state().message()).toLowerCase(java.util.Locale.ROOT);
        assertTrue(why.contains("lease") || why.contains("heartbeat") || why.contains("store"),
                "the final state says the store was out of reach: " + r.state());
    }

    /** A run stays in its body through a freeze longer than the lease; returns its final state. */
    private FlowRunRecord holdARunThroughAFreezeLongerThanTheLease() throws Exception {
        release = new CountDownLatch(1);
        Flowcore fc = engine("held");
        UUID id = createRuns(fc, 1).getFirst();
        Worker w = worker(fc, 1);
        assertTrue(STARTED.tryAcquire(1, 30, TimeUnit.SECONDS), "the worker started the run");

        pg.pause();
        // The engine cannot renew its lease, so it must stop the run before the lease expires rather than
        // let it go on unowned.
        Thread.sleep(LEASE.plusSeconds(2).toMillis());
        pg.unpause();
        release.countDown();

        long unpaused = System.nanoTime();
        FlowRunRecord r = awaitFinal(fc, id, unpaused + Duration.ofSeconds(30).toNanos(), () -> report(fc, List.of(id)));
        System.out.println("held run ended " + r.state() + " " + stateNames(fc, id));
        assertTrue(w.stop(Duration.ofSeconds(15)), "the worker stops without hanging");
        assertEquals(1, EXECUTIONS.get(batch + "/0").get(), "the run executed once");
        return r;
    }
}
