package io.flowcore.bench.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the schedules benchmark's harness working with tiny numbers (20 deployments, 7 passes, SQLite, no
 * lateness phase, which waits in real time); the benchmark itself is {@code ./flowcore-bench/run.sh schedules}.
 */
@DisplayName("schedules benchmark harness")
class ScheduleBenchSmokeTests {
    @TempDir
    Path dir;

    @Test
    void aPassCrossingAMinuteCreatesOneRunPerDeploymentAndTheSummaryLineSaysSo() throws Exception {
        var options = new ScheduleBench.Options(20, 7, 0, List.of("sqlite"), dir);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<ScheduleBench.Result> results = ScheduleBench.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        SchedulerCost.Measured m = results.getFirst().cost();
        // from 00:00:30, passes at 0:40 0:50 1:00 1:10 ...: apply made the runs up to 01:00:30 (the next hour), so
        // the pass at 00:01:10 is the first whose hour ahead holds a new instant, 01:01:00
        assertEquals(List.of(0, 0, 0, 20, 0, 0, 0), m.created(), printed.toString(StandardCharsets.UTF_8));
        assertEquals(20 * 60, m.coldRuns(), "after 2 h away a pass creates the next hour again: 60 runs each");
        assertTrue(m.runsPerS() > 0);
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.lines().anyMatch(l -> l.matches("schedules store=sqlite deployments=20 pass_p50_ms=[0-9.]+ "
                + "pass_max_ms=[0-9.]+ creating_pass_max_ms=[0-9.]+ cold_pass_ms=[0-9.]+ cold_runs=1200 "
                + "runs_created_per_s=[0-9.]+ start_lateness_p50_ms=n/a start_lateness_p99_ms=n/a missed=n/a "
                + "target_pass_ms=1000 target_lateness_p99_ms=1000 anchor_scheduler_loop_ms=60000 "
                + "anchor_agent_poll_ms=10000")), out);
    }
}
