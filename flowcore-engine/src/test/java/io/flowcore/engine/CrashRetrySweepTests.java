package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.state.States;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment's crashed run is queued again even when the engine that marked it Crashed stopped before
 * queuing the retry: a worker's sweep finds it.
 */
@DisplayName("crash retries found by a worker's sweep")
class CrashRetrySweepTests {
    @TempDir
    Path home;

    @Test
    void onSqlite() throws Exception {
        sweepQueuesTheMissedRetryOnce(c -> {
        });
    }

    @Test
    void onPostgresql() throws Exception {
        try (TestInfra.PgSchema pg = TestInfra.PgSchema.create("sweep")) {
            sweepQueuesTheMissedRetryOnce(c -> c.database(pg.url(), pg.pg().user(), pg.pg().password()));
        }
    }

    private void sweepQueuesTheMissedRetryOnce(Consumer<FlowcoreConfig> store) throws Exception {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(java.time.Instant.now());
        String batch = UUID.randomUUID().toString();
        try (Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(home).clock(clock);
            store.accept(cfg);
        })) {
            fc.deployments().apply(Deployment.of(DeploymentsAndWorkersTests.Counted.class, "counted", "sweep")
                    .withParameters(Map.of("batch", batch)).withRetries(1));
            FlowRunRecord run = fc.deployments().run("counted/sweep", Map.of("n", 7));
            // An engine claims it and is marked Crashed, but stops before it queues the retry.
            DeploymentStore ds = (DeploymentStore) fc.engineForTest().store();
            var claimed = ds.claimDue("an-engine-that-died", Set.of(), clock.instant(), 1);
            assertEquals(1, claimed.size());
            assertTrue(fc.engineForTest().store().takeOver(claimed.get(0).claim(), null,
                    States.crashed(clock.instant(), "its engine stopped"), null).isPresent());

            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                assertEquals(0, w.runOnce(), "a run that crashed a moment ago is left to the engine that marked it");
            }
            clock.advance(Duration.ofSeconds(20));
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                assertEquals(1, w.runOnce(), "the sweep queued the retry and the worker ran it");
            }
            clock.advance(Duration.ofSeconds(60));
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                assertEquals(0, w.runOnce(), "one retry per crashed run");
            }
            List<FlowRunRecord> runs = fc.history().flowRuns(FlowRunQuery.all().flow("counted"));
            assertEquals(2, runs.size(), runs.toString());
            FlowRunRecord retry = runs.stream().filter(r -> run.id().equals(r.resumeOf())).findFirst().orElseThrow();
            assertEquals(StateType.COMPLETED, retry.state().type(), retry.state().toString());
        }
    }
}
