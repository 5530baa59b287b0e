package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments kept in the store, and workers that run them exactly once. */
@DisplayName("deployments and workers")
class DeploymentsAndWorkersTests {
    /** How many times each run's body ran, by the run's {@code n}. */
    static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();

    public static class Counted {
        @Task
        public int work(int n) {
            return 2 * n;
        }

        @Flow(name = "counted")
        public int counted(int n, String batch) {
            EXECUTIONS.computeIfAbsent(batch + "/" + n, k -> new AtomicInteger()).incrementAndGet();
            return work(n);
        }
    }

    public static class Parent {
        @Flow(name = "parent")
        public String parent(int n, long waitMillis) {
            FlowRunRecord child = io.flowcore.api.Flows.runDeployment("counted/nightly", Map.of("n", n, "batch", "child"),
                    Duration.ofMillis(waitMillis));
            return child.id() + " " + child.state().type();
        }
    }

    @TempDir
    Path home;

    private Flowcore memory() {
        return TestEngines.inMemory(home);
    }

    @Test
    void applyingTheSameContentTwiceKeepsOneVersionAndAChangeAddsTheNext() {
        try (Flowcore fc = memory()) {
            Deployment d = Deployment.of(Counted.class, "counted", "nightly").withParameters(Map.of("n", 1, "batch", "a"));
            DeploymentRecord v1 = fc.deployments().apply(d);
            assertEquals(v1, fc.deployments().apply(d));
            DeploymentRecord v2 = fc.deployments().apply(d.withWorkQueue("other"));

            assertEquals("counted/nightly", v1.fullName());
            assertEquals(List.of(1, 2), fc.deployments().versions("counted/nightly").stream()
                    .map(DeploymentRecord::version).toList());
            assertEquals(v2, fc.deployments().get("counted/nightly").orElseThrow());
            assertEquals("default", fc.deployments().versions("counted/nightly").getFirst().workQueue());
        }
    }

    @Test
    void anUnknownFlowClassMethodOrDeploymentIsAClearErrorNamingIt() {
        try (Flowcore fc = memory()) {
            var noClass = new Deployment("com.example.Missing", "run", "x", Map.of(), List.of(), "default", "");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(noClass));
            assertTrue(e.getMessage().contains("com.example.Missing is not on the classpath"), e.getMessage());

            var noMethod = Deployment.of(Counted.class, "count", "x");
            e = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(noMethod));
            assertTrue(e.getMessage().contains("no @Flow methods named count") && e.getMessage().contains("counted("),
                    e.getMessage());

            fc.deployments().apply(Deployment.of(Counted.class, "counted", "nightly"));
            e = assertThrows(IllegalArgumentException.class, () -> fc.deployments().run("counted/weekly", Map.of()));
            assertTrue(e.getMessage().contains("no deployment 'counted/weekly'")
                    && e.getMessage().contains("counted/nightly"), e.getMessage());
        }
    }

    @Test
    void aRunOfADeploymentWaitsScheduledAndAWorkerRunsItWithItsParameters() throws Exception {
        try (Flowcore fc = memory()) {
            fc.deployments().apply(Deployment.of(Counted.class, "counted", "nightly")
                    .withParameters(Map.of("n", 1, "batch", "params")));
            FlowRunRecord run = fc.deployments().run("counted/nightly", Map.of("n", 21));
            assertEquals(StateType.SCHEDULED, fc.history().flowRun(run.id()).orElseThrow().state().type());

            try (Worker w = fc.worker(o -> o.pollInterval(Duration.ofMillis(20)))) {
                assertEquals(1, w.runOnce());
            }

            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.COMPLETED, done.state().type(), done.state().toString());
            assertEquals(List.of("Scheduled", "Pending", "Running", "Completed"), TestEngines.names(fc, run.id()));
            assertEquals(1, EXECUTIONS.get("params/21").get());
            assertEquals(List.of("work-0"), fc.history().taskRuns(run.id()).stream().map(t -> t.name()).toList());
        }
    }

    @Test
    void aFlowRunsADeploymentAsItsChildAndWaitsForItsFinalState() throws Exception {
        try (Flowcore fc = memory(); Worker w = fc.worker(o -> o.pollInterval(Duration.ofMillis(20)))) {
            fc.deployments().apply(Deployment.of(Counted.class, "counted", "nightly"));
            w.start();
            FlowRun<String> parent = fc.execute(Parent.class, f -> f.parent(7, 60_000));

            String[] child = parent.result().split(" ");
            assertEquals("COMPLETED", child[1]);
            FlowRunRecord record = fc.history().flowRun(java.util.UUID.fromString(child[0])).orElseThrow();
            assertEquals(parent.id(), record.parentFlowRunId());
            assertEquals(1, EXECUTIONS.get("child/7").get());
        }
    }

    @Test
    void aFlowThatDoesNotWaitGetsTheScheduledChildAndACallOutsideAFlowIsRefused() {
        try (Flowcore fc = memory()) {
            fc.deployments().apply(Deployment.of(Counted.class, "counted", "nightly"));
            FlowRun<String> parent = fc.execute(Parent.class, f -> f.parent(8, 0));
            assertEquals("SCHEDULED", parent.result().split(" ")[1]);

            IllegalStateException outside = assertThrows(IllegalStateException.class,
                    () -> io.flowcore.api.Flows.runDeployment("counted/nightly", Map.of(), Duration.ZERO));
            assertTrue(outside.getMessage().contains("outside a flow run"), outside.getMessage());
        }
    }

    @Test
    void serveAppliesTheDeploymentsAndRunsTheirRunsUntilInterrupted() throws Exception {
        try (Flowcore fc = memory()) {
            java.util.concurrent.CompletableFuture<Throwable> served = new java.util.concurrent.CompletableFuture<>();
            Thread server = Thread.ofPlatform().start(() -> {
                try {
                    fc.serve(Deployment.of(Counted.class, "counted", "served").withWorkQueue("served-queue"));
                    served.complete(null);
                } catch (Throwable t) {
                    served.complete(t);
                }
            });
            FlowRunRecord run = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (run == null) {
                assertTrue(System.nanoTime() < deadline, "serve never applied its deployment");
                if (fc.deployments().get("counted/served").isPresent()) {
                    run = fc.deployments().run("counted/served", Map.of("n", 5, "batch", "served"));
                } else {
                    Thread.sleep(10);
                }
            }
            while (!fc.history().flowRun(run.id()).orElseThrow().state().isFinal()) {
                assertTrue(System.nanoTime() < deadline, "the served run never ended");
                Thread.sleep(20);
            }
            assertEquals(StateType.COMPLETED, fc.history().flowRun(run.id()).orElseThrow().state().type());
            server.interrupt();
            assertTrue(served.get(30, java.util.concurrent.TimeUnit.SECONDS) instanceof InterruptedException);
        }
    }

    @Test
    void aCrashedRunOfADeploymentWithRetriesIsQueuedAgainAsANewRunUntilItsRetriesAreUsedUp() throws Exception {
        var store = io.flowcore.engine.StateStores.inMemory(); // closing it keeps its data: engines share it
        var ds = (io.flowcore.api.spi.DeploymentStore) store;
        UUID first;
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(store))) {
            fc.deployments().apply(Deployment.of(Counted.class, "counted", "retried").withRetries(1)
                    .withParameters(Map.of("n", 3, "batch", "crash")));
            first = fc.deployments().run("counted/retried", Map.of()).id();
        }
        // A worker that holds no lease claims it and vanishes: the next engine marks it Crashed.
        assertEquals(1, ds.claimDue("vanished", List.of(), Instant.now().plusSeconds(1), 10).size());
        UUID second;
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(store))) {
            assertEquals(StateType.CRASHED, fc.history().flowRun(first).orElseThrow().state().type());
            List<FlowRunRecord> again = fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().flow("counted")).stream()
                    .filter(r -> first.equals(r.resumeOf())).toList();
            assertEquals(1, again.size(), "queued again once, as a new run resuming the crashed one");
            second = again.getFirst().id();
            assertEquals(StateType.SCHEDULED, again.getFirst().state().type());
        }
        // The retry crashes too: its deployment allows one retry, so it stays Crashed.
        assertEquals(1, ds.claimDue("vanished-again", List.of(), Instant.now().plusSeconds(1), 10).size());
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(store));
             Worker w = fc.worker(o -> o.noScheduler())) {
            assertEquals(StateType.CRASHED, fc.history().flowRun(second).orElseThrow().state().type());
            assertEquals(0, w.runOnce(), "nothing queued a third time");
            assertEquals(2, fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().flow("counted")).size());
        }
        assertEquals(null, EXECUTIONS.get("crash/3"), "neither run executed: their workers vanished first");
    }

    @Test
    void aDeploymentKeepsItsParameterSchemaAndARunCreatedWithoutTheFlowsClassIsCheckedAgainstIt() {
        try (Flowcore fc = memory()) {
            DeploymentRecord real = fc.deployments().apply(Deployment.of(Counted.class, "counted", "nightly"));
            assertTrue(real.parameterSchema().contains("\"n\"") && real.parameterSchema().contains("integer"),
                    real.parameterSchema());
            // As a process without the class sees it (the CLI, a server): only the stored schema can check.
            DeploymentStore store = (DeploymentStore) fc.engineForTest().store();
            store.applyDeployment(new DeploymentRecord(UUID.randomUUID().toString(), "elsewhere", "x", 0,
                    "com.example.NotHere", "counted", "{}", List.of(), "default", "", "h2", Instant.now(),
                    real.parameterSchema()));

            var e = assertThrows(io.flowcore.api.deployment.InvalidParametersException.class,
                    () -> fc.deployments().run("elsewhere/x", Map.of("n", "many", "batch", "b")));
            assertTrue(e.getMessage().contains("'n'"), e.getMessage());
            assertEquals(List.of(), fc.history().flowRuns(FlowRunQuery.all().flow("elsewhere")));
            fc.deployments().run("elsewhere/x", Map.of("n", 3, "batch", "b"));
            assertEquals(1, fc.history().flowRuns(FlowRunQuery.all().flow("elsewhere")).size());
        }
    }

    @Test
    void aRunWhoseFlowClassIsNotOnTheWorkersClasspathEndsFailedNamingIt() throws Exception {
        try (Flowcore fc = memory()) {
            DeploymentStore store = (DeploymentStore) fc.engineForTest().store();
            DeploymentRecord ghost = store.applyDeployment(new DeploymentRecord(UUID.randomUUID().toString(), "ghost",
                    "x", 0, "com.example.NotHere", "run", "{}", List.of(), "default", "", "h", Instant.now()));
            FlowRunRecord run = fc.deployments().run(ghost.fullName(), Map.of());
            try (Worker w = fc.worker(o -> o.pollInterval(Duration.ofMillis(20)))) {
                assertEquals(1, w.runOnce());
            }
            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.FAILED, done.state().type());
            assertTrue(done.state().message().contains("com.example.NotHere is not on this worker's classpath"),
                    done.state().message());
        }
    }

    public static class WaitsForAFile {
        @Task
        public void waitFor(String started, String release) throws Exception {
            java.nio.file.Files.writeString(Path.of(started), "started");
            while (!java.nio.file.Files.exists(Path.of(release))) Thread.sleep(20); // the parent test creates it
        }

        @Flow(name = "waits")
        public void waits(String started, String release) throws Exception {
            waitFor(started, release);
        }
    }

    /** The child of the SIGTERM test: a worker on the store under {@code args[0]}, until the JVM is stopped. */
    public static void main(String[] args) throws Exception {
        Flowcore fc = Flowcore.create(cfg -> cfg.home(Path.of(args[0])));
        fc.worker(o -> o.pollInterval(Duration.ofMillis(20)).shutdownGrace(Duration.ofSeconds(60))).start();
        java.nio.file.Files.writeString(Path.of(args[0]).resolve("worker-up"), "up");
        new java.util.concurrent.CountDownLatch(1).await();
    }

    @Test
    void aWorkerStoppedWithSigtermLetsItsRunningRunFinishBeforeItExits() throws Exception {
        Path started = home.resolve("started");
        Path release = home.resolve("release");
        FlowRunRecord run;
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            fc.deployments().apply(Deployment.of(WaitsForAFile.class, "waits", "once")
                    .withParameters(Map.of("started", started.toString(), "release", release.toString())));
            run = fc.deployments().run("waits/once", Map.of());
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process worker = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                DeploymentsAndWorkersTests.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("worker.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!java.nio.file.Files.exists(started)) {
                assertTrue(worker.isAlive() && System.nanoTime() < deadline, "the worker never started the run");
                Thread.sleep(20);
            }
            worker.destroy(); // SIGTERM: had the worker not waited, its engine would end the run Crashed now
            java.nio.file.Files.writeString(release, "go");
            assertTrue(worker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the worker exits once its run ended");
        } finally {
            worker.destroyForcibly();
        }
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.COMPLETED, done.state().type(), done.state().toString());
        }
    }

    abstract static class TwoWorkers {
        @TempDir
        Path home;

        abstract Consumer<FlowcoreConfig> store();

        Flowcore engine(String name) {
            return Flowcore.create(cfg -> {
                cfg.home(home.resolve(name));
                store().accept(cfg);
            });
        }

        @Test
        void twoWorkersRacingForOneQueueRunEveryRunExactlyOnce() throws Exception {
            String batch = UUID.randomUUID().toString();
            int runs = 60;
            try (Flowcore a = engine("a"); Flowcore b = engine("b")) {
                a.deployments().apply(Deployment.of(Counted.class, "counted", "race").withWorkQueue("race")
                        .withParameters(Map.of("batch", batch)));
                List<UUID> ids = new ArrayList<>();
                for (int i = 0; i < runs; i++) ids.add(a.deployments().run("counted/race", Map.of("n", i)).id());
                try (Worker wa = a.worker(o -> o.queues("race").limit(4).pollInterval(Duration.ofMillis(10))).start();
                     Worker wb = b.worker(o -> o.queues("race").limit(4).pollInterval(Duration.ofMillis(10))).start()) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (wa.executed() + wb.executed() < runs) {
                        assertTrue(System.nanoTime() < deadline, "executed " + (wa.executed() + wb.executed()));
                        Thread.sleep(20);
                    }
                    assertEquals(runs, wa.executed() + wb.executed());
                    System.out.println("worker a ran " + wa.executed() + ", worker b ran " + wb.executed());
                }
                for (int i = 0; i < runs; i++) {
                    assertEquals(1, EXECUTIONS.get(batch + "/" + i).get(), "run " + i + " executed once");
                    FlowRunRecord r = a.history().flowRun(ids.get(i)).orElseThrow();
                    assertEquals(StateType.COMPLETED, r.state().type(), r.state().toString());
                    assertEquals(List.of("Scheduled", "Pending", "Running", "Completed"), TestEngines.names(a, r.id()));
                }
                assertEquals(runs, a.history().flowRuns(FlowRunQuery.all().flow("counted").inStates(StateType.COMPLETED))
                        .stream().filter(r -> r.parametersJson().contains(batch)).count());
            }
        }
    }

    @Nested
    @DisplayName("on one SQLite file")
    class OnSqlite extends TwoWorkers {
        @Override
        Consumer<FlowcoreConfig> store() {
            Path db = home.resolve("shared.db");
            return cfg -> cfg.store(StateStores.sqlite(db));
        }
    }

    @Nested
    @DisplayName("on PostgreSQL")
    class OnPostgres extends TwoWorkers {
        private TestInfra.PgSchema schema;

        @Override
        synchronized Consumer<FlowcoreConfig> store() {
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_workers");
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
