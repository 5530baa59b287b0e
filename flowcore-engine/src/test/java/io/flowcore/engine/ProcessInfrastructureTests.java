package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process infrastructure: each run in a child JVM of its own, under the worker's claim. */
@DisplayName("process infrastructure")
class ProcessInfrastructureTests {
    @TempDir
    Path home;

    public static class InChild {
        @Task
        public long pid() {
            return ProcessHandle.current().pid();
        }

        /** Writes its JVM's pid to {@code out} and prints a line. */
        @Flow(name = "in-child")
        public String inChild(String out) throws IOException {
            long pid = pid();
            System.out.println("hello from the child JVM " + pid);
            Files.writeString(Path.of(out), Long.toString(pid));
            return "ok";
        }

        /** Kills its own JVM with SIGKILL, as the kernel's OOM killer or an operator would. */
        @Flow(name = "killed")
        public void killed() throws Exception {
            new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
        }

        /** Counts its start in {@code starts}, writes its pid, waits for {@code release}, then runs a task. */
        @Flow(name = "outlives")
        public long outlives(String starts, String out, String release) throws Exception {
            Files.writeString(Path.of(starts), "start\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(Path.of(out), Long.toString(ProcessHandle.current().pid()));
            while (!Files.exists(Path.of(release))) Thread.sleep(20);
            return pid();
        }

        /** Writes its pid, then waits until {@code release} exists (the test cancels it meanwhile). */
        @Flow(name = "waiting")
        public void waiting(String out, String release) throws Exception {
            Files.writeString(Path.of(out), Long.toString(pid()));
            while (!Files.exists(Path.of(release))) Thread.sleep(20);
        }
    }

    private Flowcore engine(Consumer<FlowcoreConfig> more) {
        return Flowcore.create(cfg -> {
            cfg.home(home).lease(Duration.ofMillis(200), Duration.ofSeconds(5));
            more.accept(cfg);
        });
    }

    private static Deployment deployment(String method, String name) {
        return Deployment.of(InChild.class, method, name).withInfrastructure(Infrastructure.process());
    }

    @Test
    void aRunExecutesInAChildJvmAndItsOutputIsInTheRunsLog() throws Exception {
        runInChild(c -> {
        });
    }

    @Test
    void aChildJvmReportsToThePostgresqlStoreUnderTheWorkersClaim() throws Exception {
        try (TestInfra.PgSchema pg = TestInfra.PgSchema.create("process_infra")) {
            runInChild(c -> c.database(pg.url(), pg.pg().user(), pg.pg().password()));
        }
    }

    private void runInChild(Consumer<FlowcoreConfig> store) throws Exception {
        Path out = home.resolve("pid.txt");
        try (Flowcore fc = engine(store)) {
            fc.deployments().apply(deployment("inChild", "child"));
            FlowRunRecord run = fc.deployments().run("in-child/child", Map.of("out", out.toString()));
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                assertEquals(1, runOnce(fc, w, run.id()));
            }
            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.COMPLETED, done.state().type(), done.state().toString());
            long childPid = Long.parseLong(Files.readString(out));
            assertNotEquals(ProcessHandle.current().pid(), childPid, "the flow ran in another JVM");
            List<String> lines = fc.history().logs(run.id()).stream().map(RunLog::message).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("[stdout] hello from the child JVM " + childPid)), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("Started on infrastructure process (pid " + childPid + ")")),
                    lines.toString());
            assertEquals(2, lines.stream().filter(l -> l.startsWith("Finished in state Completed")).count(),
                    "the child stored its flow run's and task run's lines: " + lines);
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("[stdout]") && l.contains("Finished in state")),
                    "the child's run log lines are not stored a second time from its console: " + lines);
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("[stderr]")), "nothing on stderr: " + lines);
            assertEquals(1, fc.history().taskRuns(run.id()).size());
        }
    }

    @Test
    void aChildKilledWithSigkillEndsTheRunCrashedWithItsExitCode() throws Exception {
        try (Flowcore fc = engine(c -> {
        })) {
            fc.deployments().apply(deployment("killed", "k"));
            FlowRunRecord run = fc.deployments().run("killed/k", Map.of());
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                runOnce(fc, w, run.id());
            }
            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.CRASHED, done.state().type());
            assertTrue(done.state().message().contains("exited with code 137, killed (SIGKILL), before the flow run reached "
                    + "a final state"), done.state().message());
        }
    }

    @Test
    void aChildJvmThatCannotStartEndsTheRunCrashedQuotingTheJvm() throws Exception {
        try (Flowcore fc = engine(c -> {
        })) {
            fc.deployments().apply(deployment("inChild", "bad-option")
                    .withInfrastructure(Infrastructure.process().with("jvmOptions", List.of("-XX:+NoSuchFlowcoreOption"))));
            FlowRunRecord run = fc.deployments().run("in-child/bad-option", Map.of("out", home.resolve("x").toString()));
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                runOnce(fc, w, run.id());
            }
            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.CRASHED, done.state().type());
            assertTrue(done.state().message().contains("exited with code 1"), done.state().message());
            assertTrue(done.state().message().contains("NoSuchFlowcoreOption"), done.state().message());
            assertFalse(Files.exists(home.resolve("x")), "the flow never ran");
        }
    }

    @Test
    void cancellingARunFromAnotherEngineStopsItsChildJvmAndTheRunEndsCancelled() throws Exception {
        cancelWhileRunning(true);
    }

    @Test
    void cancellingARunFromTheWorkersOwnEngineStopsItsChildJvm() throws Exception {
        cancelWhileRunning(false);
    }

    private void cancelWhileRunning(boolean fromAnotherEngine) throws Exception {
        Path out = home.resolve("pid.txt");
        Path release = home.resolve("release");
        try (Flowcore fc = engine(c -> {
        }); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            fc.deployments().apply(deployment("waiting", "w"));
            FlowRunRecord run = fc.deployments().run("waiting/w", Map.of("out", out.toString(), "release", release.toString()));
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                Future<Long> executed = pool.submit(w::runOnce);
                try {
                    cancelAndCheck(fc, run, out, executed, fromAnotherEngine);
                } finally {
                    Files.writeString(release, "go"); // whatever failed, the child ends, so closing the pool cannot hang
                }
            }
        }
    }

    private void cancelAndCheck(Flowcore fc, FlowRunRecord run, Path out, Future<Long> executed, boolean fromAnotherEngine)
            throws Exception {
        await(fc, run.id(), r -> r.state().type() == StateType.RUNNING && Files.exists(out));
        long childPid = Long.parseLong(Files.readString(out).trim());
        if (fromAnotherEngine) {
            try (Flowcore other = engine(c -> {
            })) {
                assertTrue(other.cancel(run.id()), "cancelled from another engine");
            }
        } else {
            assertTrue(fc.cancel(run.id()), "cancelled from the worker's engine");
        }
        assertEquals(1, executed.get(60, TimeUnit.SECONDS));
        FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
        assertEquals(StateType.CANCELLED, done.state().type(), done.state().toString());
        assertTrue(ProcessHandle.of(childPid).map(p -> !p.isAlive()).orElse(true), "the child JVM is gone");
    }

    /** A worker in a JVM of its own, on the home in {@code args[0]}, until it is killed. */
    public static void main(String[] args) throws Exception {
        Flowcore fc = Flowcore.create(cfg -> cfg.home(Path.of(args[0])).lease(Duration.ofMillis(200), Duration.ofSeconds(2)));
        fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20))).start();
        new java.util.concurrent.CountDownLatch(1).await();
    }

    @Test
    void aWorkerKilledWhileItsChildRunsLeavesTheRunCrashedAndTheChildStopsItselfHavingRunTheBodyOnce() throws Exception {
        Path starts = home.resolve("starts");
        Path out = home.resolve("pid.txt");
        Path release = home.resolve("release");
        FlowRunRecord run;
        try (Flowcore fc = engine(c -> {
        })) {
            fc.deployments().apply(deployment("outlives", "o"));
            run = fc.deployments().run("outlives/o", Map.of("starts", starts.toString(), "out", out.toString(),
                    "release", release.toString()));
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process worker = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                ProcessInfrastructureTests.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("worker.log").toFile()).start();
        long childPid;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(out) || Files.readString(out).isBlank()) {
                assertTrue(worker.isAlive() && System.nanoTime() < deadline, "the worker's child never started the run");
                Thread.sleep(20);
            }
            childPid = Long.parseLong(Files.readString(out).trim());
        } catch (Throwable t) {
            Files.writeString(release, "go"); // a failure leaves no child waiting forever
            throw t;
        } finally {
            worker.destroyForcibly(); // kill -9: the child is left running under the dead worker's claim
            worker.waitFor();
        }
        try (Flowcore fc = engine(c -> {
        })) {
            // This engine sees the worker's process is gone and marks the run Crashed, moving the claim on; the
            // child, whose flow writes nothing while it waits, sees that at its next heartbeat and stops by itself
            try {
                await(fc, run.id(), r -> r.state().type() == StateType.CRASHED);
                ProcessHandle child = ProcessHandle.of(childPid).orElse(null);
                if (child != null) child.onExit().get(60, TimeUnit.SECONDS);
            } finally {
                Files.writeString(release, "go"); // whatever failed, the child ends
            }
            FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.CRASHED, done.state().type(), "the child's late end is not recorded: " + done.state());
            assertEquals(List.of("start"), Files.readAllLines(starts), "the flow body ran once");
        }
    }

    @Test
    void aWorkerClosedWhileItsChildRunsEndsTheRunCrashedAndTheChildsLateEndIsRefused() throws Exception {
        Path starts = home.resolve("starts");
        Path out = home.resolve("pid.txt");
        Path release = home.resolve("release");
        Flowcore fc = engine(c -> {
        });
        FlowRunRecord run;
        try {
            fc.deployments().apply(deployment("outlives", "o"));
            run = fc.deployments().run("outlives/o", Map.of("starts", starts.toString(), "out", out.toString(),
                    "release", release.toString()));
            fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20))).start();
            await(fc, run.id(), r -> r.state().type() == StateType.RUNNING && Files.exists(out));
        } catch (Throwable t) {
            Files.writeString(release, "go"); // a failure leaves no child waiting forever
            throw t;
        } finally {
            fc.close(); // the engine closes under its worker, as when its grace after SIGTERM ran out
        }
        long childPid = Long.parseLong(Files.readString(out).trim());
        Files.writeString(release, "go");
        ProcessHandle child = ProcessHandle.of(childPid).orElse(null);
        if (child != null) child.onExit().get(60, TimeUnit.SECONDS);
        try (Flowcore after = engine(c -> {
        })) {
            FlowRunRecord done = after.history().flowRun(run.id()).orElseThrow();
            assertEquals(StateType.CRASHED, done.state().type(), done.state().toString());
            assertTrue(done.state().message().contains("the engine closed"), done.state().message());
            assertEquals(List.of("start"), Files.readAllLines(starts), "the flow body ran once");
        }
    }

    @Test
    void anUnknownInfrastructureTypeOrSettingIsAnErrorWhenApplied() {
        try (Flowcore fc = engine(c -> {
        })) {
            var e = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(
                    Deployment.of(InChild.class, "killed", "k8s").withInfrastructure(new Infrastructure("kubernetes", Map.of()))));
            assertEquals("deployment 'k8s': infrastructure type 'kubernetes' does not exist; known types: in-process, process",
                    e.getMessage().replace(", docker", ""));
            var s = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(
                    deployment("killed", "typo").withInfrastructure(Infrastructure.process().with("jvmOption", "-Xmx1g"))));
            assertTrue(s.getMessage().contains("infrastructure process has no setting 'jvmOption'"), s.getMessage());
            assertTrue(fc.deployments().list().isEmpty(), "nothing was stored");
        }
    }

    /** {@link Worker#runOnce()}, bounded: a child JVM that never ends fails the test with the run's state and log. */
    private static long runOnce(Flowcore fc, Worker w, UUID id) throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> executed = pool.submit(w::runOnce);
            try {
                return executed.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                FlowRunRecord r = fc.history().flowRun(id).orElseThrow();
                w.stop(Duration.ZERO);
                executed.cancel(true);
                throw new AssertionError("the worker's run " + id + " did not end in 2 minutes; it is " + r.state()
                        + "; its log: " + fc.history().logs(id).stream().map(RunLog::message).toList());
            }
        }
    }

    /** Polls the store until {@code done} holds for the run (the run executes in another JVM: no latch reaches it). */
    private static void await(Flowcore fc, UUID id, Predicate<FlowRunRecord> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (FlowRunRecord r; !done.test(r = fc.history().flowRun(id).orElseThrow()); Thread.sleep(20)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for run " + id + " in state " + r.state() + "; its log: "
                        + fc.history().logs(id).stream().map(RunLog::message).toList());
            }
        }
    }
}
