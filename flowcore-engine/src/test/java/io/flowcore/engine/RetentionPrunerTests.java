package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("retention: the pruner in workers")
class RetentionPrunerTests {
    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql", "memory"})
    void aWorkerWithRetentionDeletesTheRunsThatEndedLongerAgoAndKeepsTheRecentOnes(String kind) throws Exception {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        var schema = kind.equals("postgresql") ? io.flowcore.engine.testing.TestInfra.PgSchema.create("pruner") : null;
        StateStore store = switch (kind) {
            case "sqlite" -> StateStores.sqlite(home.resolve("runs.db"));
            case "memory" -> StateStores.inMemory();
            default -> StateStores.jdbc(schema.url(), schema.pg().user(), schema.pg().password(), home.resolve("journal"));
        };
        try (schema; Flowcore fc = Flowcore.create(cfg -> cfg.home(home).clock(clock).store(store)
                .retention(Duration.ofDays(90)))) {
            UUID first = fc.execute(RetentionTests.Jobs.class, f -> f.job(1)).id();
            clock.advance(Duration.ofMinutes(1));
            UUID failed = fc.execute(RetentionTests.Jobs.class, f -> f.job(-1)).id();
            clock.advance(Duration.ofMinutes(1));
            UUID third = fc.execute(RetentionTests.Jobs.class, f -> f.job(3)).id();
            clock.advance(Duration.ofDays(60));
            UUID recent = fc.execute(RetentionTests.Jobs.class, f -> f.job(4)).id();

            // the store deletes in batches, oldest first: a limit of 2 takes the first two
            Instant cutOff = clock.instant().plus(Duration.ofDays(31)).minus(Duration.ofDays(90));
            assertEquals(List.of(first, failed), ids(store.deleteEndedRuns(cutOff, List.of(), true, 2)));

            try (Worker w = fc.worker(o -> o.noScheduler())) {
                assertEquals(0, w.runOnce());
                assertEquals(4, fc.history().flowRuns(FlowRunQuery.all()).size(), "60 days: nothing is 90 days old");
                clock.advance(Duration.ofDays(31));
                w.runOnce();
            }
            List<FlowRunRecord> left = fc.history().flowRuns(FlowRunQuery.all());
            assertEquals(List.of(recent), ids(left), "91 days after the first three ended, only the recent run stays");
            for (UUID gone : List.of(first, failed, third)) {
                assertEquals(List.of(), fc.history().logs(gone));
                assertEquals(List.of(), fc.history().stateHistory(gone));
                assertEquals(List.of(), fc.history().taskRuns(gone));
            }
            assertEquals(1, fc.history().taskRuns(recent).size());
        }
    }

    @Test
    void aStartedWorkersPrunerFollowsTheEnginesClock() throws Exception {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).clock(clock).store(StateStores.inMemory())
                .retention(Duration.ofDays(90)))) {
            UUID old = fc.execute(RetentionTests.Jobs.class, f -> f.job(1)).id();
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(10))).start()) {
                clock.advance(Duration.ofDays(91));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (fc.history().flowRun(old).isPresent()) {
                    assertTrue(System.nanoTime() < deadline, "the pruner did not delete the 91-day-old run");
                    Thread.sleep(10);
                }
            }
        }
    }

    @Test
    void aRetentionOfZeroOrLessIsRefusedNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> Flowcore.create(cfg -> cfg.home(home)
                .retention(Duration.ZERO)));
        assertTrue(e.getMessage().contains("retention"), e.getMessage());
    }

    private static List<UUID> ids(List<FlowRunRecord> runs) {
        return runs.stream().map(FlowRunRecord::id).toList();
    }
}
