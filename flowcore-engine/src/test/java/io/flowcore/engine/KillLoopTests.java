package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child JVM runs a flow on the embedded store and is killed with SIGKILL at a random point, again
 * and again (10 times; 50 with {@code -Pstress}), while a second engine is live on the same store. After
 * each kill: every change the child acknowledged is in the store, nothing is duplicated, the store opens,
 * and the live engine marks the run Crashed, seeing the child's process is gone (well within the lease timeout).
 */
@DisplayName("kill -9 loop")
class KillLoopTests {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /*
     * Long enough that a child starved of CPU (a loaded CI machine) is not marked Crashed for a missed heartbeat
     * while it still runs: its writes after that takeover are refused although they were journaled, which this
     * test would misread as lost. The live engine marks the killed child Crashed at once anyway: it sees the
     * child's process is gone.
     */
    private static final Duration LEASE = Duration.ofSeconds(10);

    @TempDir
    Path home;

    public static class Churn {
        /** Each step logs a large line, so that a kill often lands in the middle of a journal write. */
        @Task
        public int step(int i) {
            RunContext.logger().info("step {} {}", i, "x".repeat(16_384));
            return i;
        }

        @Flow(name = "churn")
        public void churn(String ackFile) throws IOException {
            try (FileOutputStream acks = new FileOutputStream(ackFile, true)) {
                for (int i = 0; ; i++) {
                    step(i);
                    // step(i) returned: its Completed state is acknowledged (journaled). Say so.
                    acks.write((i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** The child: runs the endless flow on the store under {@code args[0]}, acknowledging into {@code args[1]}. */
    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        Flowcore fc = Flowcore.create(cfg -> cfg.home(home).lease(HEARTBEAT, LEASE));
        fc.executeVoid(Churn.class, f -> f.churn(args[1]));
    }

    @Test
    void aFlowKilledAtRandomPointsLosesNoAcknowledgedChangeAndIsMarkedCrashedByTheLiveEngine() throws Exception {
        int iterations = Boolean.getBoolean("flowcore.stress") ? 50 : 10;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < iterations; i++) {
            String at = "iteration " + i + " (seed " + seed + ")";
            Path acks = home.resolve("acks-" + i);
            long t0 = System.nanoTime();
            try (Flowcore live = Flowcore.create(cfg -> cfg.home(home).lease(HEARTBEAT, LEASE))) {
                Process child = start(acks);
                long t1 = System.nanoTime();
                awaitAcks(child, acks, 1 + random.nextInt(20), at);
                System.out.printf("kill-loop %s: open %.2f s, child up %.2f s%n", at, (t1 - t0) / 1e9,
                        (System.nanoTime() - t1) / 1e9);
                Thread.sleep(random.nextInt(50)); // a random point past the first steps
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                long killedAt = System.nanoTime();

                FlowRunRecord run = awaitCrashed(live, acks, at);
                double seconds = (System.nanoTime() - killedAt) / 1e9;
                assertTrue(run.state().message().contains("is gone"), at + ": marked Crashed for another reason than "
                        + "its killed process (a missed heartbeat before the kill?): " + run.state().message());
                System.out.printf("kill-loop %s: crashed after %.2f s%n", at, seconds);
                assertTrue(seconds <= LEASE.plus(HEARTBEAT.multipliedBy(2)).toMillis() / 1000.0,
                        at + ": marked Crashed after " + seconds + " s");

                List<String> acked = Files.readAllLines(acks);
                List<TaskRunRecord> tasks = live.history().taskRuns(run.id());
                Set<String> names = new HashSet<>();
                for (TaskRunRecord t : tasks) {
                    assertTrue(names.add(t.name()), at + ": task run " + t.name() + " recorded twice");
                    assertTrue(t.state().isFinal(), at + ": " + t.name() + " is " + t.state());
                    TwoEnginesOneStoreTests.assertLegal(live.history().stateHistory(t.id()));
                }
                for (String n : acked) {
                    if (n.isEmpty()) continue; // the kill cut the last acknowledgement line short
                    TaskRunRecord t = tasks.stream().filter(x -> x.name().equals("step-" + n)).findFirst()
                            .orElseThrow(() -> new AssertionError(at + ": acknowledged step-" + n + " is missing"));
                    assertEquals(StateType.COMPLETED, t.state().type(), at + ": acknowledged " + t.name());
                }
                TwoEnginesOneStoreTests.assertLegal(live.history().stateHistory(run.id()));
            }
        }
        try (Flowcore after = Flowcore.create(cfg -> cfg.home(home))) {
            List<FlowRunRecord> runs = after.history().flowRuns(FlowRunQuery.all().flow("churn"));
            assertEquals(iterations, runs.size());
            for (FlowRunRecord r : runs) assertEquals(StateType.CRASHED, r.state().type(), r.name());
        }
    }

    private Process start(Path acks) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                KillLoopTests.class.getName(), home.toString(), acks.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("child.log").toFile()))
                .start();
    }

    private void awaitAcks(Process child, Path acks, int count, String at) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(acks) || Files.readAllLines(acks).size() < count) {
            assertTrue(child.isAlive(), () -> at + ": the child died early: " + tail(home.resolve("child.log")));
            assertTrue(System.nanoTime() < deadline, at + ": the child never got going");
            Thread.sleep(10);
        }
    }

    /** The child's run once the live engine has marked it Crashed (its own heartbeat does that). */
    private static FlowRunRecord awaitCrashed(Flowcore live, Path acks, String at) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String param = acks.toString();
        while (true) {
            FlowRunRecord run = live.history().flowRuns(FlowRunQuery.all().flow("churn")).stream()
                    .filter(r -> r.parametersJson().contains(param)).findFirst().orElse(null);
            if (run != null && run.state().type() == StateType.CRASHED) return run;
            assertTrue(System.nanoTime() < deadline, at + ": still " + (run == null ? "not in the store" : run.state()));
            Thread.sleep(20);
        }
    }

    private static String tail(Path p) {
        try {
            List<String> lines = Files.readAllLines(p);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
