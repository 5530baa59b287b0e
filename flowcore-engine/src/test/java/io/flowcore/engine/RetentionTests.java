package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("retention: deleting ended runs")
class RetentionTests {
    @TempDir
    Path home;
    static CountDownLatch started;
    static CountDownLatch release;

    public static class Jobs {
        @Task
        public int work(int n) {
            RunContext.logger().info("working on {}", n);
            if (n < 0) throw new IllegalArgumentException("negative: " + n);
            return n;
        }

        @Flow(name = "job")
        public int job(int n) {
            return work(n);
        }

        @Flow(name = "held")
        public void held() throws InterruptedException {
            started.countDown();
            release.await();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql", "memory"})
    void endedRunsOlderThanTheCutOffGoWithWhatHangsOffThemAndLiveRunsStay(String store) throws Exception {
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        var schema = store.equals("postgresql") ? io.flowcore.engine.testing.TestInfra.PgSchema.create("retention") : null;
        try (schema; Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(home).clock(clock);
            if (store.equals("memory")) cfg.store(StateStores.inMemory());
            if (schema != null) cfg.database(schema.url(), schema.pg().user(), schema.pg().password());
        })) {
            UUID ok = fc.execute(Jobs.class, f -> f.job(1)).id();
            UUID failed = fc.execute(Jobs.class, f -> f.job(-1)).id();
            Thread live = Thread.ofVirtual().start(() -> fc.executeVoid(Jobs.class, Jobs::held));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            clock.advance(Duration.ofDays(100));
            UUID recent = fc.execute(Jobs.class, f -> f.job(2)).id();
            Instant cutOff = clock.instant().minus(Duration.ofDays(90));

            assertEquals(List.of(ok, failed), ids(fc.history().deleteEnded(cutOff, List.of(), true)));
            assertEquals(4, fc.history().flowRuns(FlowRunQuery.all()).size(), "a dry run deletes nothing");

            assertEquals(List.of(failed), ids(fc.history().deleteEnded(cutOff, List.of("failed"), false)));
            assertTrue(fc.history().flowRun(failed).isEmpty());
            assertEquals(List.of(), fc.history().taskRuns(failed));
            assertEquals(List.of(), fc.history().logs(failed));
            assertEquals(List.of(), fc.history().stateHistory(failed));

            assertEquals(List.of(ok), ids(fc.history().deleteEnded(cutOff, List.of(), false)));
            List<FlowRunRecord> left = fc.history().flowRuns(FlowRunQuery.all());
            assertEquals(2, left.size(), left.toString());
            assertTrue(left.stream().anyMatch(r -> r.id().equals(recent)));
            assertTrue(left.stream().anyMatch(r -> r.flowName().equals("held") && !r.state().isFinal()),
                    "a run that has not ended is never deleted, however old");
            assertEquals(StateType.COMPLETED, fc.history().flowRun(recent).orElseThrow().state().type());
            assertEquals(1, fc.history().taskRuns(recent).size());

            release.countDown();
            live.join();
        }
    }

    private static List<UUID> ids(List<FlowRunRecord> runs) {
        return runs.stream().map(FlowRunRecord::id).toList();
    }
}
