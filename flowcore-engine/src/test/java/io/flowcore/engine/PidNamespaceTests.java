package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.state.StateType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two containers on one host name, in different PID namespaces (here: a child JVM started under
 * {@code unshare --pid --fork --mount-proc}): the pid in the other's lease means nothing to this engine,
 * so its live run must not be declared dead because no process of that pid exists here.
 */
@DisplayName("engines in another PID namespace")
class PidNamespaceTests {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path home;

    public static class WaitsForAFile {
        @Task
        public void waitFor(String file) throws Exception {
            Path p = Path.of(file);
            while (!Files.exists(p)) Thread.sleep(20); // the parent test creates it
        }

        @Flow(name = "contained")
        public void contained(String file) throws Exception {
            waitFor(file);
        }
    }

    /** The child: runs the flow on the store under {@code args[0]} until {@code args[1]} exists. */
    public static void main(String[] args) {
        Flowcore fc = Flowcore.create(cfg -> cfg.home(Path.of(args[0])).lease(HEARTBEAT, LEASE));
        fc.executeVoid(WaitsForAFile.class, f -> f.contained(args[1]));
        fc.close();
    }

    @Test
    void aLiveRunOfAnEngineInAnotherPidNamespaceOnTheSameHostIsNotDeclaredDead() throws Exception {
        Path unshare = Path.of("/usr/bin/unshare");
        assertTrue(Files.isExecutable(unshare), "this test needs util-linux's unshare (apt-get install util-linux)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path release = home.resolve("release");
        // Burn a few hundred pids inside the namespace first, so the child's pid is one that (most likely)
        // does not exist out here: a pid-based verdict would then call the live engine dead.
        // (Not exec: the shell stays pid 1 of the namespace, the JVM gets a pid of its own.)
        String script = "i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; \"$0\" \"$@\"";
        Process child = new ProcessBuilder(unshare.toString(), "--pid", "--fork", "--kill-child", "--mount-proc", "sh",
                "-c", script,
                java.toString(), "-cp", System.getProperty("java.class.path"), PidNamespaceTests.class.getName(),
                home.toString(), release.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("child.log").toFile()).start();
        try (Flowcore here = Flowcore.create(cfg -> cfg.home(home).lease(HEARTBEAT, LEASE))) {
            RunClaim run = awaitLiveRun(here, child);
            assertTrue(run.lease() != null && run.lease().namespace() != null, "the child's lease names its namespace");
            System.out.println("child pid in its namespace: " + run.lease().pid() + ", a process with that pid here: "
                    + ProcessHandle.of(run.lease().pid()).isPresent());
            // Judge it for longer than the lease timeout: it heartbeats, and its pid is not checked from here.
            long until = System.nanoTime() + LEASE.multipliedBy(2).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(List.of(), here.engineForTest().recoverCrashedRuns());
                Thread.sleep(HEARTBEAT.toMillis());
            }
            Files.writeString(release, "go");
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child finishes");
            assertEquals(0, child.exitValue(), () -> read(home.resolve("child.log")));
            FlowRunRecord done = here.history().flowRun(run.claim().flowRunId()).orElseThrow();
            assertEquals(StateType.COMPLETED, done.state().type(), done.state().toString());
        } finally {
            child.destroyForcibly();
        }
    }

    private static RunClaim awaitLiveRun(Flowcore fc, Process child) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<RunClaim> live = fc.engineForTest().store().liveRuns().stream()
                    .filter(r -> r.runName() != null && r.state().type() == StateType.RUNNING).toList();
            if (!live.isEmpty() && live.getFirst().lease() != null) return live.getFirst();
            assertTrue(child.isAlive(), "the child died early");
            assertTrue(System.nanoTime() < deadline, "the child's run never showed up");
            Thread.sleep(50);
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
