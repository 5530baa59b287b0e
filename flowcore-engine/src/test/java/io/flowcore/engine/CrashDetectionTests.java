package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real child JVM runs a flow on the embedded store and is killed with SIGKILL mid-task. */
@DisplayName("crash detection")
class CrashDetectionTests {
    @TempDir
    Path home;

    public static class Stuck {
        @Task
        public String prepare() {
            return "ready";
        }

        @Task
        public void hang(String marker) throws Exception {
            Files.writeString(Path.of(marker), "running");
            Thread.sleep(600_000);
        }

        @Flow(name = "stuck", onCrashed = "crashed")
        public void stuck(String marker) throws Exception {
            prepare();
            hang(marker);
        }

        /** A crash hook: runs in the engine that marks the run Crashed (this test's JVM), not in the dead child. */
        public void crashed(FlowRunRecord run, io.flowcore.api.state.State state) {
            crashHook.complete(run.name() + ":" + state.name());
        }
    }

    static final java.util.concurrent.CompletableFuture<String> crashHook = new java.util.concurrent.CompletableFuture<>();

    /** The child process: runs the stuck flow on the store under {@code args[0]}. */
    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        Flowcore fc = Flowcore.create(cfg -> cfg.home(home));
        fc.executeVoid(Stuck.class, f -> f.stuck(home.resolve("marker").toString()));
    }

    @Test
    void aFlowRunWhoseProcessWasKilledIsMarkedCrashedWithItsRunningTaskRunWhenAnEngineOpensTheStore()
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashDetectionTests.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("child.log").toFile()).start();
        Path marker = home.resolve("marker");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker)) {
            assertTrue(child.isAlive(), () -> "child died early: " + read(home.resolve("child.log")));
            assertTrue(System.nanoTime() < deadline, "the child never started its task");
            Thread.sleep(50);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            List<FlowRunRecord> runs = fc.history().flowRuns(FlowRunQuery.all().flow("stuck"));
            assertEquals(1, runs.size());
            FlowRunRecord run = runs.getFirst();
            assertEquals(StateType.CRASHED, run.state().type(), run.state().toString());
            List<TaskRunRecord> tasks = fc.history().taskRuns(run.id());
            assertEquals(List.of("prepare-0:COMPLETED", "hang-0:CRASHED"),
                    tasks.stream().map(t -> t.name() + ":" + t.state().type()).toList());
            assertEquals(List.of("Pending", "Running", "Crashed"), TestEngines.names(fc, run.id()));
            assertEquals(run.name() + ":Crashed", crashHook.get(30, TimeUnit.SECONDS), "the crash hook ran here");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
