package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Overlap;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.DeploymentStore.ClaimedRun;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("overlap: at most maxActive runs of a deployment at once")
class OverlapTests {
    /** Holds in its body until the test opens the gate. */
    public static class Held {
        static volatile java.util.concurrent.Semaphore started;
        static volatile java.util.concurrent.Semaphore gate;

        @Flow(name = "held")
        public void held() throws InterruptedException {
            started.release();
            gate.acquire();
        }
    }

    public static class Step {
        @Flow(name = "step")
        public int step(int n) {
            return n;
        }
    }

    @Test
    void anOverlapIsPartOfTheDeploymentsContentAndBadValuesAreRefusedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> Overlap.queue(0));
        assertTrue(e.getMessage().contains("maxActive must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Overlap.Policy.parse("drop"));
        assertTrue(e.getMessage().contains("'drop'") && e.getMessage().contains("supported: queue, skip, cancel-previous"),
                e.getMessage());
        assertEquals(Overlap.Policy.QUEUE, Overlap.Policy.parse("QUEUE"));
        assertEquals(Overlap.skip(2), new Overlap(2, Overlap.Policy.parse("skip")));
        assertEquals(Overlap.cancelPrevious(1), new Overlap(1, Overlap.Policy.parse("Cancel-Previous")));
        assertEquals("maxActive=1, policy=cancel-previous", Overlap.cancelPrevious(1).toString());
    }

    abstract static class OnAStore {
        @TempDir
        Path home;

        abstract Consumer<FlowcoreConfig> store();

        /** Whether a second engine may open the same store (not for an in-memory one). */
        boolean sharesItsStore() {
            return true;
        }

        Flowcore engine(String name) {
            return Flowcore.create(cfg -> {
                cfg.home(home.resolve(name));
                store().accept(cfg);
            });
        }

        static List<ClaimedRun> claim(Flowcore fc, int limit) {
            return ((DeploymentStore) fc.engineForTest().store()).claimDue(fc.engineForTest().engineId(), List.of(),
                    Instant.now().plusSeconds(1), limit);
        }

        @Test
        void claimersRacingOnOneStoreAndOnTwoNeverStartMoreThanMaxActiveRuns() throws Exception {
            try (Flowcore a = engine("a"); Flowcore b = sharesItsStore() ? engine("b") : null) {
                a.deployments().apply(Deployment.of(Step.class, "step", "limited").withOverlap(Overlap.queue(2)));
                a.deployments().apply(Deployment.of(Step.class, "step", "free"));
                for (int i = 0; i < 6; i++) a.deployments().run("step/limited", Map.of("n", i));
                UUID free = a.deployments().run("step/free", Map.of("n", 99)).id();
                List<Flowcore> claimers = b == null ? List.of(a, a) : List.of(a, b);
                int threads = 8;
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<List<ClaimedRun>>> results = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Flowcore fc = claimers.get(t % 2);
                        results.add(pool.submit(() -> {
                            start.await();
                            List<ClaimedRun> mine = new ArrayList<>();
                            for (int i = 0; i < 3; i++) mine.addAll(claim(fc, 3));
                            return mine;
                        }));
                    }
                    start.countDown();
                    List<ClaimedRun> claimed = new ArrayList<>();
                    for (Future<List<ClaimedRun>> f : results) claimed.addAll(f.get());
                    List<ClaimedRun> limited = claimed.stream().filter(c -> !c.run().id().equals(free)).toList();
                    assertEquals(2, limited.size(), "claimed " + claimed);
                    assertEquals(1, claimed.size() - limited.size(), "a deployment without a limit is not held back");

                    // One ends: there is room for exactly one more, whoever claims.
                    ClaimedRun done = limited.getFirst();
                    Flowcore holder = claimers.stream().filter(fc -> fc.engineForTest().engineId()
                            .equals(done.run().engineId())).findFirst().orElseThrow();
                    holder.engineForTest().store().setFlowRunState(done.claim(), State.of(StateType.COMPLETED, Instant.now()));
                    holder.engineForTest().store().flush();
                    List<Future<List<ClaimedRun>>> again = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Flowcore fc = claimers.get(t % 2);
                        again.add(pool.submit(() -> claim(fc, 3)));
                    }
                    int more = 0;
                    for (Future<List<ClaimedRun>> f : again) more += f.get().size();
                    assertEquals(1, more);
                    assertEquals(List.of(), claim(a, 20));
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        @Test
        void runsThatComeDueAtTheLimitWaitAndAWorkerRunsThemOneAfterAnother() throws Exception {
            Held.started = new java.util.concurrent.Semaphore(0);
            Held.gate = new java.util.concurrent.Semaphore(0);
            try (Flowcore fc = engine("a")) {
                fc.deployments().apply(Deployment.of(Held.class, "held", "one").withOverlap(Overlap.queue(1)));
                List<UUID> ids = new ArrayList<>();
                for (int i = 0; i < 3; i++) ids.add(fc.deployments().run("held/one", Map.of()).id());
                try (Worker w = fc.worker(o -> o.limit(4).noScheduler().pollInterval(Duration.ofMillis(10))).start()) {
                    for (int k = 0; k < 3; k++) {
                        assertTrue(Held.started.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS), "run " + k + " started");
                        assertEquals(List.of(), claim(fc, 10), "no room while a run is active, though the worker has 3 free slots");
                        long waiting = ids.stream().filter(id -> fc.history().flowRun(id).orElseThrow().state().type()
                                == StateType.SCHEDULED).count();
                        assertEquals(2 - k, waiting, "the others wait, Scheduled");
                        Held.gate.release();
                    }
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (w.executed() < 3) {
                        assertTrue(System.nanoTime() < deadline, "executed " + w.executed());
                        Thread.sleep(10);
                    }
                }
                for (UUID id : ids) assertEquals(StateType.COMPLETED, fc.history().flowRun(id).orElseThrow().state().type());
            }
        }
    }

    @Nested
    @DisplayName("in memory")
    class InMemory extends OnAStore {
        @Override
        Consumer<FlowcoreConfig> store() {
            return cfg -> cfg.store(StateStores.inMemory());
        }

        @Override
        boolean sharesItsStore() {
            return false;
        }
    }

    @Nested
    @DisplayName("on one SQLite file")
    class OnSqlite extends OnAStore {
        @Override
        Consumer<FlowcoreConfig> store() {
            Path db = home.resolve("shared.db");
            return cfg -> cfg.store(StateStores.sqlite(db));
        }
    }

    @Nested
    @DisplayName("on PostgreSQL")
    class OnPostgres extends OnAStore {
        private TestInfra.PgSchema schema;

        @Override
        synchronized Consumer<FlowcoreConfig> store() {
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_overlap");
            String url = schema.url();
            TestInfra.Postgres pg = schema.pg();
            return cfg -> cfg.database(url, pg.user(), pg.password());
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) schema.close();
        }
    }
}
