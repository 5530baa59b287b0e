package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.DeploymentStore.ClaimedRun;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.DeploymentsAndWorkersTests.Counted;
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

/** Work queues held in the store: pause, concurrency limits across workers, priority between queues. */
@DisplayName("work queues")
class WorkQueuesTests {

    abstract static class OnAStore {
        @TempDir
        Path home;

        abstract Consumer<FlowcoreConfig> store();

        Flowcore engine(String name) {
            return Flowcore.create(cfg -> {
                cfg.home(home.resolve(name));
                store().accept(cfg);
            });
        }

        static DeploymentStore store(Flowcore fc) {
            return (DeploymentStore) fc.engineForTest().store();
        }

        /** {@code n} runs of a deployment on {@code queue}, due now. */
        static List<UUID> runs(Flowcore fc, String deployment, String queue, int n) {
            fc.deployments().apply(Deployment.of(Counted.class, "counted", deployment).withWorkQueue(queue)
                    .withParameters(Map.of("batch", UUID.randomUUID().toString())));
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) ids.add(fc.deployments().run("counted/" + deployment, Map.of("n", i)).id());
            return ids;
        }

        static List<ClaimedRun> claim(Flowcore fc, int limit, String... queues) {
            return store(fc).claimDue(fc.engineForTest().engineId(), List.of(queues), Instant.now().plusSeconds(1),
                    limit);
        }

        @Test
        void aQueueIsCreatedWhenADeploymentNamesItAndAnUnknownQueueIsAnErrorListingTheOthers() {
            try (Flowcore fc = engine("a")) {
                runs(fc, "q1", "reports", 0);
                WorkQueue q = fc.workQueues().get("reports").orElseThrow();
                assertEquals(new WorkQueue("reports", false, null, 0, "", q.createdAt()), q);
                fc.workQueues().create("taxi", 3, 1, "taxi flows");
                assertEquals(List.of("reports", "taxi"), fc.workQueues().list().stream().map(WorkQueue::name).toList());

                var e = assertThrows(IllegalArgumentException.class, () -> fc.workQueues().pause("nightly"));
                assertTrue(e.getMessage().contains("no work queue 'nightly'")
                        && e.getMessage().contains("[reports, taxi]"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> fc.workQueues().create("taxi", null, 0, ""));
                assertTrue(e.getMessage().contains("'taxi' exists already"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> fc.workQueues().setConcurrencyLimit("taxi", -1));
                assertTrue(e.getMessage().contains("must be >= 0"), e.getMessage());

                assertEquals(Integer.valueOf(1), fc.workQueues().setConcurrencyLimit("taxi", 1).concurrencyLimit());
                assertEquals(null, fc.workQueues().setConcurrencyLimit("taxi", null).concurrencyLimit());
                assertEquals(7, fc.workQueues().setPriority("taxi", 7).priority());
            }
        }

        @Test
        void aPausedQueueGivesOutNoRunsAndDoesAfterItIsResumed() throws Exception {
            try (Flowcore fc = engine("a")) {
                UUID run = runs(fc, "paused", "held", 1).getFirst();
                fc.workQueues().pause("held");
                assertTrue(fc.workQueues().get("held").orElseThrow().paused());
                try (Worker w = fc.worker(o -> o.pollInterval(Duration.ofMillis(10)))) {
                    assertEquals(0, w.runOnce());
                    assertEquals(StateType.SCHEDULED, fc.history().flowRun(run).orElseThrow().state().type());
                    fc.workQueues().resume("held");
                    assertEquals(1, w.runOnce());
                }
                assertEquals(StateType.COMPLETED, fc.history().flowRun(run).orElseThrow().state().type());
            }
        }

        @Test
        void aWorkerServingSeveralQueuesTakesTheHigherPriorityQueuesDueRunsFirst() {
            try (Flowcore fc = engine("a")) {
                fc.workQueues().create("bulk", null, 10, "");
                fc.workQueues().create("urgent", null, 1, "");
                List<UUID> bulk = runs(fc, "bulk", "bulk", 3); // due before the urgent ones
                List<UUID> urgent = runs(fc, "urgent", "urgent", 2);
                List<UUID> plain = runs(fc, "plain", "plain", 1); // priority 0: before both

                // Runs due at the same instant may come in either order: compare within a priority level as sets.
                List<UUID> first = ids(claim(fc, 3));
                assertEquals(plain.getFirst(), first.getFirst());
                assertEquals(java.util.Set.copyOf(urgent), java.util.Set.copyOf(first.subList(1, 3)));
                List<UUID> second = ids(claim(fc, 1, "bulk", "urgent"));
                assertEquals(1, second.size());
                assertTrue(bulk.contains(second.getFirst()));

                fc.workQueues().setPriority("bulk", 0);
                List<UUID> moreUrgent = runs(fc, "urgent", "urgent", 1);
                List<UUID> third = ids(claim(fc, 5, "urgent", "bulk"));
                List<UUID> bulkLeft = bulk.stream().filter(id -> !second.contains(id)).toList();
                assertEquals(3, third.size(), third.toString());
                assertEquals(java.util.Set.copyOf(bulkLeft), java.util.Set.copyOf(third.subList(0, 2)));
                assertEquals(moreUrgent.getFirst(), third.get(2));
            }
        }

        private static List<UUID> ids(List<ClaimedRun> claimed) {
            return claimed.stream().map(c -> c.run().id()).toList();
        }

        @Test
        void aConcurrencyLimitHoldsAcrossClaimersRacingOnOneStoreAndOnTwo() throws Exception {
            try (Flowcore a = engine("a"); Flowcore b = sharesItsStore() ? engine("b") : null) {
                a.workQueues().create("limited", 2, 0, "");
                runs(a, "limited", "limited", 12);
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
                            for (int i = 0; i < 5; i++) mine.addAll(claim(fc, 3, "limited"));
                            return mine;
                        }));
                    }
                    start.countDown();
                    List<ClaimedRun> claimed = new ArrayList<>();
                    for (Future<List<ClaimedRun>> f : results) claimed.addAll(f.get());
                    assertEquals(2, claimed.size(), "claimed " + ids(claimed));

                    // One of them ends: the queue has room for one more, whoever claims.
                    ClaimedRun done = claimed.getFirst();
                    Flowcore holder = claimers.stream().filter(fc -> fc.engineForTest().engineId()
                            .equals(done.run().engineId())).findFirst().orElseThrow();
                    var holderStore = holder.engineForTest().store();
                    holderStore.setFlowRunState(done.claim(), State.of(StateType.COMPLETED, Instant.now()));
                    holderStore.flush();
                    List<Future<List<ClaimedRun>>> again = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Flowcore fc = claimers.get(t % 2);
                        again.add(pool.submit(() -> claim(fc, 3, "limited")));
                    }
                    int more = 0;
                    for (Future<List<ClaimedRun>> f : again) more += f.get().size();
                    assertEquals(1, more);
                    assertEquals(List.of(), claim(a, 20), "a worker of every queue is held to the limit too");
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        @Test
        void pausedDeploymentsRefuseRunsAndRemovingOneDropsOnlyItsWaitingRuns() throws Exception {
            try (Flowcore fc = engine("a")) {
                List<UUID> ran = runs(fc, "gone", "gone", 1);
                try (Worker w = fc.worker(o -> o.pollInterval(Duration.ofMillis(10)))) {
                    assertEquals(1, w.runOnce());
                }
                List<UUID> waiting = runs(fc, "gone", "gone", 2);
                List<UUID> other = runs(fc, "kept", "gone", 1);

                fc.deployments().pause("counted/kept");
                assertEquals(java.util.Set.of("counted/kept"), fc.deployments().paused());
                var e = assertThrows(IllegalStateException.class, () -> fc.deployments().run("counted/kept", Map.of()));
                assertTrue(e.getMessage().contains("deployment resume counted/kept"), e.getMessage());
                fc.deployments().resume("counted/kept");
                assertFalse(fc.deployments().isPaused("counted/kept"));

                assertEquals(2, fc.deployments().remove("counted/gone"));
                assertTrue(fc.deployments().get("counted/gone").isEmpty());
                for (UUID id : waiting) assertTrue(fc.history().flowRun(id).isEmpty(), "waiting run removed");
                assertEquals(StateType.COMPLETED, fc.history().flowRun(ran.getFirst()).orElseThrow().state().type());
                assertEquals(4, fc.history().stateHistory(ran.getFirst()).size(), "its history stays");
                assertEquals(Map.of(ran.getFirst(), "counted/gone", other.getFirst(), "counted/kept"),
                        fc.deployments().ofRuns(List.of(ran.getFirst(), other.getFirst(), waiting.getFirst())));
                assertEquals(List.of(other.getFirst()), ids(claim(fc, 10)));
                var missing = assertThrows(IllegalArgumentException.class, () -> fc.deployments().remove("counted/gone"));
                assertTrue(missing.getMessage().contains("no deployment 'counted/gone'"), missing.getMessage());
            }
        }

        @Test
        void aRetryIsANewScheduledRunOnTheDeploymentsQueueThatResumesTheFailedOne() throws Exception {
            try (Flowcore fc = engine("a")) {
                UUID run = runs(fc, "retried", "retries", 1).getFirst();
                ClaimedRun claimed = claim(fc, 1).getFirst();
                var e = assertThrows(IllegalStateException.class, () -> fc.deployments().retry(run));
                assertTrue(e.getMessage().contains("only a Failed or Crashed run"), e.getMessage());
                var s = fc.engineForTest().store();
                s.setFlowRunState(claimed.claim(), State.of(StateType.FAILED, Instant.now()));
                s.flush();

                FlowRunRecord retry = fc.deployments().retry(run);
                assertEquals(run, retry.resumeOf());
                assertEquals(StateType.SCHEDULED, fc.history().flowRun(retry.id()).orElseThrow().state().type());
                assertEquals(Map.of(retry.id(), "counted/retried"), fc.deployments().ofRuns(List.of(retry.id())));
                assertEquals(List.of(), claim(fc, 1, "elsewhere"));
                ClaimedRun again = claim(fc, 1, "retries").getFirst();
                assertEquals(retry.id(), again.run().id());
                assertEquals(run, again.run().resumeOf());

                var twice = assertThrows(IllegalStateException.class, () -> fc.deployments().retry(run));
                assertTrue(twice.getMessage().contains("retried already, as flow run " + retry.id()), twice.getMessage());
                // Two processes racing past that check: the store still takes one retry of a run.
                FlowRunRecord second = new FlowRunRecord(UUID.randomUUID(), "racer", retry.flowName(), retry.flowClass(),
                        retry.flowMethod(), retry.parametersJson(), null, run, null, retry.state(), retry.createdAt());
                String deploymentId = fc.deployments().get("counted/retried").orElseThrow().id();
                assertThrows(RuntimeException.class, () -> store(fc).insertScheduledRun(second, deploymentId, "retries"));
                assertTrue(fc.history().flowRun(second.id()).isEmpty());
            }
        }

        /** True when the store is a database two engines can share. */
        boolean sharesItsStore() {
            return true;
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
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_queues");
            String url = schema.url();
            TestInfra.Postgres pg = schema.pg();
            return cfg -> cfg.database(url, pg.user(), pg.password());
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) schema.close();
        }
    }

    @Test
    void aWorkerNeverRunsMoreOfALimitedQueuesRunsThanItsLimit(@TempDir Path home) throws Exception {
        // End to end: two workers of 4 slots each on a queue limited to 2; the flow holds until released.
        Gated.reset();
        Path db = home.resolve("shared.db");
        try (Flowcore a = Flowcore.create(cfg -> cfg.home(home.resolve("a")).store(StateStores.sqlite(db)));
             Flowcore b = Flowcore.create(cfg -> cfg.home(home.resolve("b")).store(StateStores.sqlite(db)))) {
            a.workQueues().create("gated", 2, 0, "");
            a.deployments().apply(Deployment.of(Gated.class, "gated", "g").withWorkQueue("gated"));
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) ids.add(a.deployments().run("gated/g", Map.of()).id());
            try (Worker wa = a.worker(o -> o.limit(4).pollInterval(Duration.ofMillis(10))).start();
                 Worker wb = b.worker(o -> o.limit(4).pollInterval(Duration.ofMillis(10))).start()) {
                for (int released = 0; released < 5; released++) {
                    Gated.started.acquire(); // one run is in its body
                    Gated.gate.release();
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (wa.executed() + wb.executed() < 5) {
                    assertTrue(System.nanoTime() < deadline, "executed " + (wa.executed() + wb.executed()));
                    Thread.sleep(10);
                }
            }
            assertTrue(Gated.max.get() <= 2, "at most 2 at once, saw " + Gated.max.get());
            for (UUID id : ids) assertEquals(StateType.COMPLETED, a.history().flowRun(id).orElseThrow().state().type());
            assertFalse(Gated.gate.hasQueuedThreads());
        }
    }

    public static class Gated {
        static final java.util.concurrent.Semaphore started = new java.util.concurrent.Semaphore(0);
        static final java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(0);
        static final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();

        static void reset() {
            started.drainPermits();
            gate.drainPermits();
            active.set(0);
            max.set(0);
        }

        @io.flowcore.api.Flow(name = "gated")
        public void gated() throws InterruptedException {
            max.accumulateAndGet(active.incrementAndGet(), Math::max);
            started.release();
            try {
                gate.acquire();
            } finally {
                active.decrementAndGet();
            }
        }
    }
}
