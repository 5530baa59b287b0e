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

    @Test
    void aRemoteEngineReadsBlocksWithTheirSecretsEncryptedAndDecryptsThemWithTheWorkspaceKey() throws Exception {
        fc.blocks().save("remote-db", new io.flowcore.engine.TestBlocks.TestDatabase("jdbc:remote", "remote-user",
                io.flowcore.api.block.Secret.of("pw-in-the-clear"), io.flowcore.api.block.Secret.of("tok")), true);
        String key = java.nio.file.Files.readString(serverHome.resolve("blocks.key")).trim();
        Map<String, String> env = Map.of("FLOWCORE_HOME", workerHome.toString(), "FLOWCORE_SERVER_URL", server.url(),
                "FLOWCORE_API_KEY", workerKey, "FLOWCORE_BLOCKS_KEY", key);
        try (Flowcore remote = Flowcore.create(cfg -> cfg.environment(env))) {
            var db = remote.blocks().load("remote-db", io.flowcore.engine.TestBlocks.TestDatabase.class);
            assertEquals("remote-user", db.user());
            assertEquals("pw-in-the-clear", db.password().reveal());
            // a worker key may read blocks but not change them
            RuntimeException e = assertThrows(RuntimeException.class, () -> remote.blocks().save("from-a-worker",
                    new io.flowcore.engine.TestBlocks.TestDatabase("u", "v", io.flowcore.api.block.Secret.of("w"),
                            io.flowcore.api.block.Secret.of("x"))));
            assertTrue(e.getMessage().contains("admin"), e.getMessage());
        }
        // what went over the wire: the document as stored, its secrets encrypted
        Http.Response raw = new Http(server.url()).post("/api/engine/call/blockFind", workerKey, "[\"remote-db\"]");
        assertEquals(200, raw.status(), raw.body());
        assertTrue(raw.body().contains("remote-user"), raw.body());
        assertFalse(raw.body().contains("pw-in-the-clear"), raw.body());
        // without the workspace's key the secrets stay unreadable, and the error says what to set
        Map<String, String> noKey = Map.of("FLOWCORE_HOME", workerHome.resolve("other").toString(),
                "FLOWCORE_SERVER_URL", server.url(), "FLOWCORE_API_KEY", workerKey);
        try (Flowcore remote = Flowcore.create(cfg -> cfg.environment(noKey))) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> remote.blocks().load("remote-db", io.flowcore.engine.TestBlocks.TestDatabase.class));
            assertTrue(e.getMessage().contains("FLOWCORE_BLOCKS_KEY"), e.getMessage());
        }
    }

    @Test
    void twoRemoteWorkersRacingForTheSameRunsRunEachOnce() throws Exception {
        fc.deployments().apply(Deployment.of(TestFlows.class, "tiny", "raced").withWorkQueue("race-queue"));
        List<java.util.UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) ids.add(fc.deployments().run("tiny/raced", Map.of("n", i)).id());
        try (Flowcore a = remote(workerKey); Flowcore b = Flowcore.create(cfg -> cfg.home(workerHome.resolve("b"))
                .server(server.url(), workerKey));
             var wa = a.worker(o -> o.queues("race-queue").noScheduler().limit(4));
             var wb = b.worker(o -> o.queues("race-queue").noScheduler().limit(4))) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var fa = pool.submit(() -> drain(wa));
                var fb = pool.submit(() -> drain(wb));
                long ran = fa.get(60, java.util.concurrent.TimeUnit.SECONDS) + fb.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(ids.size(), ran);
            } finally {
                pool.shutdownNow();
            }
        }
        for (java.util.UUID id : ids) {
            assertEquals(StateType.COMPLETED, fc.history().flowRun(id).orElseThrow().state().type());
            long running = fc.history().stateHistory(id).stream().filter(c -> c.state().type() == StateType.RUNNING).count();
            assertEquals(1, running, "run " + id + " started " + running + " times");
        }
    }

    /** Runs what is due until a pass finds nothing; how many runs it ran. */
    private static long drain(io.flowcore.engine.Worker w) throws InterruptedException {
        long total = 0;
        for (long n; (n = w.runOnce()) > 0; ) total += n;
        return total;
    }

    @Test
    void aRemoteEngineThatLosesTheServerCancelsItsRunBeforeTheLeaseExpiresAndReportsItWhenTheServerIsBack()
            throws Exception {
        TestFlows.heldStarted = new java.util.concurrent.CountDownLatch(1);
        TestFlows.heldStopped = new java.util.concurrent.CountDownLatch(1);
        Path home = workerHome.resolve("lost");
        FlowcoreServer own = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
        int port = own.port();
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        Flowcore remote = Flowcore.create(cfg -> cfg.home(home).server(own.url(), workerKey)
                .lease(Duration.ofMillis(200), Duration.ofSeconds(2)));
        try {
            var run = pool.submit(() -> remote.executeVoid(TestFlows.class, TestFlows::held));
            assertTrue(TestFlows.heldStarted.await(30, java.util.concurrent.TimeUnit.SECONDS));
            own.close(); // the server is gone; the run's engine cannot renew its lease
            assertTrue(TestFlows.heldStopped.await(30, java.util.concurrent.TimeUnit.SECONDS),
                    "the run went on although its engine could not renew its lease");
            try (FlowcoreServer back = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(port))) {
                FlowRun<Void> ended = run.get(90, java.util.concurrent.TimeUnit.SECONDS);
                remote.close(); // while the server is there: its last writes (the lease's release) go too
                FlowRunRecord onServer = fc.history().flowRun(ended.id()).orElseThrow();
                assertEquals(StateType.CANCELLED, onServer.state().type(), onServer.toString());
                assertTrue(onServer.state().message().contains("heartbeat"), onServer.state().message());
                List<String> lines = fc.history().logs(ended.id()).stream().map(l -> l.message()).toList();
                assertTrue(lines.contains("holding"), lines.toString()); // written before the server went away
            }
        } finally {
            pool.shutdownNow();
            remote.close();
        }
    }

    @Test
    void aRemoteWorkersChildJvmReportsThroughTheServerToo() throws Exception {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "remote-process")
                .withParameters(Map.of("month", 6, "label", "in a child")).withWorkQueue("process-queue")
                .withInfrastructure(io.flowcore.api.deployment.Infrastructure.process()));
        java.util.UUID id = fc.deployments().run("etl/remote-process", Map.of()).id();
        try (Flowcore remote = remote(workerKey);
             var worker = remote.worker(o -> o.queues("process-queue").noScheduler())) {
            assertEquals(1, worker.runOnce());
        }
        FlowRunRecord done = fc.history().flowRun(id).orElseThrow();
        assertEquals(StateType.COMPLETED, done.state().type(), done + " " + fc.history().logs(id));
        List<String> lines = fc.history().logs(id).stream().map(l -> l.message()).toList();
        assertTrue(lines.contains("label: in a child"), lines.toString()); // the child's own log line
        assertEquals(3, fc.history().taskRuns(id).size());
        // the child's engine had no database: it is not in the worker's home either
        assertTrue(java.nio.file.Files.notExists(workerHome.resolve("flowcore.db")), "a store was made in the worker's home");
    }
}
