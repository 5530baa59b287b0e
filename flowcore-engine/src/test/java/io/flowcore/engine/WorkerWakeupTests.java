package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On PostgreSQL a run queued by any process wakes the workers at once (LISTEN/NOTIFY), not at their next poll. */
@DisplayName("worker wake-ups")
class WorkerWakeupTests {
    @TempDir
    Path home;

    @Test
    void aRunQueuedByAnotherEngineStartsLongBeforeTheWorkersNextPoll() throws Exception {
        try (TestInfra.PgSchema pg = TestInfra.PgSchema.create("wakeup");
             Flowcore workerSide = Flowcore.create(cfg -> cfg.home(home.resolve("w")).database(pg.url(), pg.pg().user(), pg.pg().password()));
             Flowcore caller = Flowcore.create(cfg -> cfg.home(home.resolve("c")).database(pg.url(), pg.pg().user(), pg.pg().password()))) {
            caller.deployments().apply(Deployment.of(DeploymentsAndWorkersTests.Counted.class, "counted", "wake")
                    .withParameters(Map.of("batch", UUID.randomUUID().toString())));
            // An hour between polls: only a wake-up can start these runs while the test waits.
            try (Worker w = workerSide.worker(o -> o.noScheduler().pollInterval(Duration.ofHours(1))).start()) {
                for (int i = 0; i < 3; i++) { // each run is queued while the worker waits after the previous one
                    FlowRunRecord run = caller.deployments().run("counted/wake", Map.of("n", i));
                    awaitEnd(caller, run);
                }
            }
        }
    }

    private static void awaitEnd(Flowcore fc, FlowRunRecord run) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        FlowRunRecord r;
        while (!(r = fc.history().flowRun(run.id()).orElseThrow()).state().isFinal()) {
            if (System.nanoTime() > deadline) throw new AssertionError("run " + run.name() + " did not start: " + r.state());
            Thread.sleep(10);
        }
        assertEquals(StateType.COMPLETED, r.state().type(), r.state().toString());
    }
}
