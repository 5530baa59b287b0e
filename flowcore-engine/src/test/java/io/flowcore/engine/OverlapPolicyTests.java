package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Overlap;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.DeploymentStore.ClaimedRun;
import io.flowcore.api.spi.DeploymentStore.OverlapActions;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("overlap policies skip and cancel-previous")
class OverlapPolicyTests {
    /** Holds in its body until the test opens the gate. */
    public static class Held {
        static volatile Semaphore started;
        static volatile Semaphore gate;

        @Flow(name = "held")
        public void held() throws InterruptedException {
            started.release();
            gate.acquire();
        }
    }

    abstract static class OnAStore {
        @TempDir
        Path home;

        abstract Consumer<FlowcoreConfig> store();

        boolean sharesItsStore() {
            return true;
        }

        Flowcore engine(String name, Consumer<FlowcoreConfig> more) {
            return Flowcore.create(cfg -> {
                cfg.home(home.resolve(name));
                store().accept(cfg);
                more.accept(cfg);
            });
        }

        static DeploymentStore store(Flowcore fc) {
            return (DeploymentStore) fc.engineForTest().store();
        }

        static List<ClaimedRun> claim(Flowcore fc, Instant now, int limit) {
            return store(fc).claimDue(fc.engineForTest().engineId(), List.of(), now, limit);
        }

        static FlowRunRecord run(Flowcore fc, UUID id) {
            return fc.history().flowRun(id).orElseThrow();
        }

        @Test
        void aRunThatComesDueAtTheLimitEndsSkippedWithTheReasonAndALaterOneStartsOnceThereIsRoom() {
            TestEngines.ManualClock clock = new TestEngines.ManualClock();
            try (Flowcore fc = engine("a", cfg -> cfg.clock(clock))) {
                fc.deployments().apply(Deployment.of(OverlapTests.Step.class, "step", "skipper").withOverlap(Overlap.skip(1)));
                fc.deployments().apply(Deployment.of(OverlapTests.Step.class, "step", "queued").withOverlap(Overlap.queue(1)));
                UUID first = fc.deployments().run("step/skipper", Map.of("n", 0)).id();
                UUID queuedFirst = fc.deployments().run("step/queued", Map.of("n", 0)).id();
                List<ClaimedRun> claimed = claim(fc, clock.instant(), 10);
                assertEquals(Set.of(first, queuedFirst), ids(claimed));
                assertEquals(OverlapActions.NONE, store(fc).applyOverlap(clock.instant()), "no run waits: nothing to do");

                clock.advance(Duration.ofMinutes(1));
                UUID second = fc.deployments().run("step/skipper", Map.of("n", 1)).id();
                UUID queuedSecond = fc.deployments().run("step/queued", Map.of("n", 1)).id();
                OverlapActions done = store(fc).applyOverlap(clock.instant());
                assertEquals(List.of(second), done.skipped());
                assertEquals(List.of(), done.cancelled());
                State skipped = run(fc, second).state();
                assertEquals(StateType.CANCELLED, skipped.type());
                assertEquals("Skipped", skipped.name());
                assertEquals("skipped: 1 run of step/skipper is active (overlap maxActive=1, policy=skip)", skipped.message());
                assertEquals(StateType.SCHEDULED, run(fc, queuedSecond).state().type(), "queue: it waits");
                assertEquals(List.of(), claim(fc, clock.instant(), 10), "a skipped run never starts");
                assertEquals(OverlapActions.NONE, store(fc).applyOverlap(clock.instant()), "a run is skipped once");

                // The active run ends: a run that comes due now has room and starts.
                ClaimedRun active = claimed.stream().filter(c -> c.run().id().equals(first)).findFirst().orElseThrow();
                fc.engineForTest().store().setFlowRunState(active.claim(), State.of(StateType.COMPLETED, clock.instant()));
                fc.engineForTest().store().flush();
                clock.advance(Duration.ofMinutes(1));
                UUID third = fc.deployments().run("step/skipper", Map.of("n", 2)).id();
                assertEquals(OverlapActions.NONE, store(fc).applyOverlap(clock.instant()));
                assertEquals(Set.of(third), ids(claim(fc, clock.instant(), 10)));
            }
        }

        @Test
        void ofSeveralRunsDueAtOnceAsManyAsThereIsRoomForStayTheOldestAndTheOthersAreSkipped() {
            TestEngines.ManualClock clock = new TestEngines.ManualClock();
            try (Flowcore fc = engine("a", cfg -> cfg.clock(clock))) {
                fc.deployments().apply(Deployment.of(OverlapTests.Step.class, "step", "skipper").withOverlap(Overlap.skip(2)));
                List<UUID> ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ids.add(fc.deployments().run("step/skipper", Map.of("n", i)).id());
                    clock.advance(Duration.ofSeconds(1));
                }
                OverlapActions done = store(fc).applyOverlap(clock.instant());
                assertEquals(ids.subList(2, 4), done.skipped());
                assertEquals("skipped: 0 runs of step/skipper are active and 2 runs due before it take the room left "
                        + "(overlap maxActive=2, policy=skip)", run(fc, ids.get(3)).state().message());
                assertEquals(Set.copyOf(ids.subList(0, 2)), ids(claim(fc, clock.instant(), 10)));
            }
        }

        @Test
        void claimsAndOverlapPassesRacingOnOneStoreAndOnTwoNeverSkipAStartedRunNorKeepMoreThanTheLimit()
                throws Exception {
            TestEngines.ManualClock clock = new TestEngines.ManualClock();
            try (Flowcore a = engine("a", cfg -> cfg.clock(clock));
                 Flowcore b = sharesItsStore() ? engine("b", cfg -> cfg.clock(clock)) : null) {
                a.deployments().apply(Deployment.of(OverlapTests.Step.class, "step", "skipper").withOverlap(Overlap.skip(2)));
                List<UUID> all = new ArrayList<>();
                for (int i = 0; i < 6; i++) all.add(a.deployments().run("step/skipper", Map.of("n", i)).id());
                List<Flowcore> engines = b == null ? List.of(a, a) : List.of(a, b);
                int threads = 8;
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<List<UUID>>> claims = new ArrayList<>();
                    List<Future<List<UUID>>> skips = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Flowcore fc = engines.get(t / 2 % 2);
                        boolean claimer = t % 2 == 0;
                        (claimer ? claims : skips).add(pool.submit(() -> {
                            start.await();
                            List<UUID> mine = new ArrayList<>();
                            for (int i = 0; i < 3; i++) {
                                if (claimer) mine.addAll(ids(claim(fc, clock.instant(), 1)));
                                else mine.addAll(store(fc).applyOverlap(clock.instant()).skipped());
                            }
                            return mine;
                        }));
                    }
                    start.countDown();
                    List<UUID> claimed = new ArrayList<>();
                    for (Future<List<UUID>> f : claims) claimed.addAll(f.get());
                    List<UUID> skipped = new ArrayList<>();
                    for (Future<List<UUID>> f : skips) skipped.addAll(f.get());
                    skipped.addAll(store(a).applyOverlap(clock.instant()).skipped());

                    assertEquals(claimed.size(), Set.copyOf(claimed).size(), "claimed twice: " + claimed);
                    assertEquals(skipped.size(), Set.copyOf(skipped).size(), "skipped twice: " + skipped);
                    Set<UUID> both = new HashSet<>(claimed);
                    both.retainAll(skipped);
                    assertEquals(Set.of(), both, "claimed and skipped");
                    long waiting = all.stream().filter(id -> run(a, id).state().type() == StateType.SCHEDULED).count();
                    assertEquals(2, claimed.size() + waiting, "claimed " + claimed + ", skipped " + skipped);
                    assertEquals(4, skipped.size());
                    for (UUID id : skipped) assertEquals("Skipped", run(a, id).state().name());
                    for (UUID id : claimed) assertEquals(StateType.PENDING, run(a, id).state().type());
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        @Test
        void cancelPreviousCancelsTheRunningRunOnceAndTheDueRunStartsWhenItHasEnded() throws Exception {
            Held.started = new Semaphore(0);
            Held.gate = new Semaphore(0);
            // a short heartbeat: the engine running the run picks the cancel request up at its next one
            try (Flowcore fc = engine("a", cfg -> cfg.lease(Duration.ofMillis(100), Duration.ofSeconds(30)))) {
                fc.deployments().apply(Deployment.of(Held.class, "held", "latest").withOverlap(Overlap.cancelPrevious(1)));
                UUID first = fc.deployments().run("held/latest", Map.of()).id();
                // the worker's scheduler thread applies the policy every poll
                try (Worker w = fc.worker(o -> o.limit(2).pollInterval(Duration.ofMillis(10))).start()) {
                    assertTrue(Held.started.tryAcquire(30, TimeUnit.SECONDS), "the first run started");
                    UUID second = fc.deployments().run("held/latest", Map.of()).id();
                    assertTrue(Held.started.tryAcquire(30, TimeUnit.SECONDS), "the second run started");
                    assertEquals(StateType.CANCELLED, run(fc, first).state().type(), "it started once the first had ended");
                    Held.gate.release();
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (w.executed() < 2) {
                        assertTrue(System.nanoTime() < deadline, "executed " + w.executed());
                        Thread.sleep(10);
                    }
                    assertEquals(StateType.COMPLETED, run(fc, second).state().type());
                }
                List<State> requests = fc.history().stateHistory(first).stream().map(c -> c.state())
                        .filter(s -> s.type() == StateType.CANCELLING).toList();
                assertEquals(1, requests.size(), "asked to cancel once: " + requests);
                assertEquals("cancelled: a newer run of held/latest came due while 1 run was active "
                        + "(overlap maxActive=1, policy=cancel-previous)", requests.getFirst().message());
            }
        }

        @Test
        void cancelPreviousLeavesARunThatIsAlreadyCancellingAndAClaimedOneThatIsNotRunningYet() {
            TestEngines.ManualClock clock = new TestEngines.ManualClock();
            try (Flowcore fc = engine("a", cfg -> cfg.clock(clock))) {
                fc.deployments().apply(Deployment.of(OverlapTests.Step.class, "step", "latest")
                        .withOverlap(Overlap.cancelPrevious(1)));
                fc.deployments().run("step/latest", Map.of("n", 0));
                ClaimedRun first = claim(fc, clock.instant(), 1).getFirst();
                clock.advance(Duration.ofMinutes(1));
                fc.deployments().run("step/latest", Map.of("n", 1));
                assertEquals(OverlapActions.NONE, store(fc).applyOverlap(clock.instant()), "Pending is not cancelled");

                fc.engineForTest().store().setFlowRunState(first.claim(), State.of(StateType.RUNNING, clock.instant()));
                fc.engineForTest().store().flush();
                OverlapActions done = store(fc).applyOverlap(clock.instant());
                assertEquals(List.of(first.run().id()), done.cancelled());
                assertEquals(List.of(), done.skipped());
                assertEquals(StateType.CANCELLING, run(fc, first.run().id()).state().type());
                assertEquals(OverlapActions.NONE, store(fc).applyOverlap(clock.instant()), "never asked twice");
                assertEquals(List.of(), claim(fc, clock.instant(), 10), "a Cancelling run still counts as active");
            }
        }
    }

    private static Set<UUID> ids(List<ClaimedRun> claimed) {
        return Set.copyOf(claimed.stream().map(c -> c.run().id()).toList());
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
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_overlap_policy");
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
