package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote worker on a server over PostgreSQL is woken when a run is queued, as a worker on the database is. */
class RemoteWakeupTests {
    @TempDir
    Path serverHome;
    @TempDir
    Path workerHome;

    @Test
    void aRemoteWorkerStartsARunQueuedOnAPostgresServerLongBeforeItsNextPoll() throws Exception {
        TestFlows.relayStarted = new CountDownLatch(1);
        TestFlows.relayGo = new CountDownLatch(1);
        try (TestInfra.PgSchema schema = TestInfra.PgSchema.create("wake");
             Flowcore fc = Flowcore.create(cfg -> cfg.home(serverHome).notificationPolling(Duration.ZERO)
                     .database(schema.url(), schema.pg().user(), schema.pg().password()));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            String key = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system()).create(Role.WORKER).key();
            fc.deployments().apply(Deployment.of(TestFlows.class, "relayed", "woken").withWorkQueue("wake-queue"));
            try (Flowcore remote = Flowcore.create(cfg -> cfg.home(workerHome).server(server.url(), key));
                 var worker = remote.worker(o -> o.queues("wake-queue").noScheduler().pollInterval(Duration.ofMinutes(5)))) {
                worker.start();
                var id = fc.deployments().run("relayed/woken", Map.of()).id();
                // its poll comes in 5 minutes: only a wakeup starts the run within the wait
                assertTrue(TestFlows.relayStarted.await(60, TimeUnit.SECONDS), "the remote worker was not woken");
                TestFlows.relayGo.countDown();
                assertTrue(fc.history().flowRun(id).isPresent());
            }
        } finally {
            TestFlows.relayGo.countDown();
        }
    }
}
