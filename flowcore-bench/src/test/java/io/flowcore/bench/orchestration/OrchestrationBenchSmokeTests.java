package io.flowcore.bench.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the orchestration benchmark's harness working with tiny numbers (20 runs, one worker process,
 * SQLite, no anchor); the benchmark itself is {@code ./flowcore-bench/run.sh orchestration}, not a test.
 */
@DisplayName("orchestration benchmark harness")
class OrchestrationBenchSmokeTests {
    @TempDir
    Path dir;

    @Test
    void aWorkerProcessRunsEveryCreatedRunOnceAndTheSummaryLineSaysSo() throws Exception {
        var options = new OrchestrationBench.Options(20, List.of(), List.of("sqlite"), List.of(1), false, 8, 20, 5, 20,
                dir, 1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<OrchestrationBench.Result> results = OrchestrationBench.run(options,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(1, results.size());
        FlowcoreOrchestration.Measured m = results.getFirst().flowcore();
        assertEquals(20, m.runs());
        assertEquals(0, m.lost(), "every run ended");
        assertEquals(0, m.failed(), () -> "every run completed: " + printed.toString(StandardCharsets.UTF_8));
        assertEquals(0, m.duplicates());
        assertTrue(m.runsPerS() > 0, "throughput from the stored history: " + m.runsPerS());
        assertTrue(m.dueToRunningP50() > 0 && m.dueToRunningP50() <= m.dueToRunningP99(), m.toString());
        assertNull(results.getFirst().anchor());
        // the worker process's own record: each of the 20 + 5 paced bodies ran in it exactly once
        List<String> executed = Files.readAllLines(dir.resolve("m0/executions/worker-0.txt"));
        assertEquals(25, executed.size());
        assertEquals(25, executed.stream().distinct().count());

        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.lines().anyMatch(l -> l.matches("orchestration store=sqlite workers=1 runs=20 runs_per_s=[0-9.]+ "
                + "due_to_running_p50_ms=[0-9.]+ due_to_running_p99_ms=[0-9.]+ duplicates=0 lost=0 "
                + "anchor_runs_per_s=n/a ratio=n/a")), out);
    }

    @Test
    void aLineIsTheMedianRoundWithTheDuplicatesAndLostRunsOfEveryRound() {
        var slow = new FlowcoreOrchestration.Measured("postgres", 2, 100, 900, 1, 2, 3, 4, 0, 0, 0, null);
        var middle = new FlowcoreOrchestration.Measured("postgres", 2, 100, 1000, 5, 6, 7, 8, 1, 0, 0, null);
        var fast = new FlowcoreOrchestration.Measured("postgres", 2, 100, 1100, 9, 10, 11, 12, 0, 2, 1, "x");

        var m = OrchestrationBench.median(List.of(fast, slow, middle));

        assertEquals(1000, m.runsPerS());
        assertEquals(5, m.dueToRunningP50(), "the median round's latencies");
        assertEquals(1, m.duplicates(), "a duplicate in any round shows");
        assertEquals(2, m.lost());
        assertEquals(1, m.failed());
        var a = OrchestrationBench.medianAnchor(List.of(new DbSchedulerAnchor.Measured(2, 100, 1500, 3, 0),
                new DbSchedulerAnchor.Measured(2, 100, 1200, 0, 1), new DbSchedulerAnchor.Measured(2, 100, 1300, 0, 0)));
        assertEquals(1300, a.runsPerS());
        assertEquals(3, a.duplicates());
        assertEquals(1, a.lost());
    }

    @Test
    void percentilesAreNearestRank() {
        List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertEquals(3.0, FlowcoreOrchestration.percentile(values, 0.50));
        assertEquals(5.0, FlowcoreOrchestration.percentile(values, 0.99));
        assertEquals(1.0, FlowcoreOrchestration.percentile(values, 0.01));
    }
}
