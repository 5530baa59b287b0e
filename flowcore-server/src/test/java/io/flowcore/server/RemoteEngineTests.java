package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engines and workers on a server (FlowcoreConfig.server): runs reported and claimed over HTTP, on a SQLite store. */
@DisplayName("remote engines and workers")
class RemoteEngineTests {
    @TempDir
    static Path serverHome;
    @TempDir
    static Path workerHome;
    static Flowcore fc;
    static FlowcoreServer server;
    static String workerKey;
    static String adminKey;
    static String runKey;

    @BeforeAll
    static void start() {
        fc = Flowcore.create(cfg -> cfg.home(serverHome).notificationPolling(Duration.ZERO));
        server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
        ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
        workerKey = keys.create(Role.WORKER).key();
        adminKey = keys.create(Role.ADMIN).key();
        runKey = keys.create(Role.RUN).key();
    }

    @AfterAll
    static void stop() {
        server.close();
        fc.close();
    }

    private static Flowcore remote(String key) {
        return Flowcore.create(cfg -> cfg.home(workerHome).server(server.url(), key));
    }

    @Test
    void aFlowOnARemoteEngineIsRecordedOnTheServerWithItsTasksStatesAndLogs() {
        FlowRunRecord run;
        try (Flowcore remote = remote(workerKey)) {
            FlowRun<String> r = remote.execute(TestFlows.class, f -> f.etl(4, "remote"));
            assertEquals("part-4+part-5", r.result());
            run = remote.history().flowRun(r.id()).orElseThrow(); // read back through the server
            assertEquals(StateType.COMPLETED, run.state().type());
        }
        // what the server's own store holds
        FlowRunRecord onServer = fc.history().flowRun(run.id()).orElseThrow();
        assertEquals(StateType.COMPLETED, onServer.state().type());
        List<TaskRunRecord> tasks = fc.history().taskRuns(run.id());
        assertEquals(3, tasks.size());
        assertTrue(tasks.stream().allMatch(t -> t.state().type() == StateType.COMPLETED), tasks.toString());
        List<String> lines = fc.history().logs(run.id()).stream().map(l -> l.message()).toList();
        assertTrue(lines.contains("label: remote"), lines.toString());
        assertTrue(lines.contains("fetched 4"), lines.toString());
        List<String> states = fc.history().stateHistory(run.id()).stream().map(c -> c.state().type().name()).toList();
        assertEquals(List.of("PENDING", "RUNNING", "COMPLETED"), states);
    }

    @Test
    void aRemoteWorkerClaimsAndRunsADeploymentRunCreatedOnTheServer() throws Exception {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "remote-monthly")
                .withParameters(Map.of("month", 2, "label", "queued")).withWorkQueue("remote-queue"));
        UUIDHolder id = new UUIDHolder(fc.deployments().run("etl/remote-monthly", Map.of()).id());
        try (Flowcore remote = remote(workerKey);
             var worker = remote.worker(o -> o.queues("remote-queue").noScheduler())) {
            assertEquals(1, worker.runOnce());
        }
        FlowRunRecord done = fc.history().flowRun(id.id).orElseThrow();
        assertEquals(StateType.COMPLETED, done.state().type(), done.toString());
        assertEquals(3, fc.history().taskRuns(id.id).size());
    }

    private record UUIDHolder(java.util.UUID id) {
    }

    @Test
    void aKeyWithoutTheWorkerRoleCannotOpenARemoteEngine() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> remote(runKey).close());
        assertTrue(e.getMessage().contains("worker"), e.getMessage());
        RuntimeException none = assertThrows(RuntimeException.class, () -> remote(null).close());
        assertTrue(none.getMessage().contains("FLOWCORE_API_KEY"), none.getMessage());
    }

    @Test
    void aWorkerKeyMayNotChangeDeploymentsButAnAdminKeyMay() {
        try (Flowcore remote = remote(workerKey)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> remote.deployments().apply(
                    Deployment.of(TestFlows.class, "tiny", "from-a-worker")));
            assertTrue(e.getMessage().contains("admin"), e.getMessage());
        }
        assertFalse(fc.deployments().get("tiny/from-a-worker").isPresent());
        try (Flowcore remote = remote(adminKey)) {
            remote.deployments().apply(Deployment.of(TestFlows.class, "tiny", "from-an-admin"));
        }
        assertTrue(fc.deployments().get("tiny/from-an-admin").isPresent());
    }
}
