package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.StateStore;
import io.flowcore.engine.internal.store.FileResultStore;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("retention per deployment, and the results of pruned runs")
class RetentionPerDeploymentTests {
    @TempDir
    Path home;
    private TestInfra.PgSchema schema;

    @org.junit.jupiter.api.AfterEach
    void dropSchema() {
        if (schema != null) schema.close();
    }

    /** Two tasks whose results go to the result store: one plain, one cached by its inputs (never expiring). */
    public static class Loads {
        @Task
        public String plain(int n) {
            return "plain " + n;
        }

        @Task(cache = CacheMode.INPUTS)
        public String cached(int n) {
            return "cached " + n;
        }

        @Flow(name = "loads")
        public String loads(int n) {
            return plain(n) + ", " + cached(n);
        }
    }

    /** An engine on a store of {@code kind}, with the manual clock. */
    private Flowcore engine(String kind, TestEngines.ManualClock clock, Consumer<FlowcoreConfig> more) {
        if (kind.equals("postgresql")) schema = TestInfra.PgSchema.create("retention_dep");
        StateStore store = switch (kind) {
            case "sqlite" -> StateStores.sqlite(home.resolve("runs.db"));
            case "memory" -> StateStores.inMemory();
            default -> StateStores.jdbc(schema.url(), schema.pg().user(), schema.pg().password(), home.resolve("journal"));
        };
        return Flowcore.create(cfg -> {
            cfg.home(home).clock(clock).store(store);
            more.accept(cfg);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql", "memory"})
    void aDeploymentsOwnRetentionDecidesForItsRunsShorterOrLongerAndTheEnginesForTheRest(String kind) throws Exception {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Flowcore fc = engine(kind, clock, cfg -> cfg.retention(Duration.ofDays(90)))) {
            fc.deployments().apply(Deployment.of(RetentionTests.Jobs.class, "job", "weekly").withRetention(Duration.ofDays(7)));
            fc.deployments().apply(Deployment.of(RetentionTests.Jobs.class, "job", "yearly").withRetention(Duration.ofDays(365)));
            fc.deployments().apply(Deployment.of(RetentionTests.Jobs.class, "job", "plain"));
            UUID weekly = fc.deployments().run("job/weekly", Map.of("n", 1)).id();
            UUID yearly = fc.deployments().run("job/yearly", Map.of("n", 2)).id();
            UUID plain = fc.deployments().run("job/plain", Map.of("n", 3)).id();
            UUID direct = fc.execute(RetentionTests.Jobs.class, f -> f.job(4)).id();
            try (Worker w = fc.worker(o -> o.noScheduler())) {
                assertEquals(3, w.runOnce());
                assertEquals(Set.of(weekly, yearly, plain, direct), ids(fc));

                clock.advance(Duration.ofDays(8));
                w.runOnce();
                assertEquals(Set.of(yearly, plain, direct), ids(fc), "8 days: the weekly deployment's run is gone");

                clock.advance(Duration.ofDays(83));
                w.runOnce();
                assertEquals(Set.of(yearly), ids(fc), "91 days: the engine's retention took the others");

                clock.advance(Duration.ofDays(275));
                w.runOnce();
                assertEquals(Set.of(), ids(fc), "366 days");
            }
            assertEquals(List.of(), fc.history().taskRuns(yearly));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "memory"})
    void withoutAnEngineRetentionOnlyTheRunsOfDeploymentsWithTheirOwnArePruned(String kind) throws Exception {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Flowcore fc = engine(kind, clock, cfg -> { })) {
            fc.deployments().apply(Deployment.of(RetentionTests.Jobs.class, "job", "weekly").withRetention(Duration.ofDays(7)));
            UUID weekly = fc.deployments().run("job/weekly", Map.of("n", 1)).id();
            UUID direct = fc.execute(RetentionTests.Jobs.class, f -> f.job(4)).id();
            try (Worker w = fc.worker(o -> o.noScheduler())) {
                assertEquals(1, w.runOnce());
                clock.advance(Duration.ofDays(1000));
                w.runOnce();
            }
            assertEquals(Set.of(direct), ids(fc), "the weekly run is gone, " + weekly);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql", "memory"})
    void aPrunedRunsResultsGoFromTheResultStoreUnlessALaterRunOrACacheEntryStillNamesThem(String kind)
            throws Exception {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        Path results = home.resolve("results");
        try (Flowcore fc = engine(kind, clock, cfg -> cfg.retention(Duration.ofDays(90)).inlineResultLimit(0)
                .resultStore(new FileResultStore(results)))) {
            UUID first = fc.execute(Loads.class, f -> f.loads(1)).id();
            Map<String, String> firstKeys = keys(fc, first);
            clock.advance(Duration.ofDays(60));
            UUID second = fc.execute(Loads.class, f -> f.loads(1)).id();
            Map<String, String> secondKeys = keys(fc, second);
            assertEquals(firstKeys.get("cached"), secondKeys.get("cached"), "a cache hit names the first run's result");
            assertTrue(Files.exists(file(results, firstKeys.get("plain"))));

            try (Worker w = fc.worker(o -> o.noScheduler())) {
                clock.advance(Duration.ofDays(31));
                w.runOnce();
                assertEquals(Set.of(second), ids(fc));
                assertFalse(Files.exists(file(results, firstKeys.get("plain"))), "nothing names it any more");
                assertTrue(Files.exists(file(results, firstKeys.get("cached"))), "the second run and the cache name it");
                assertTrue(Files.exists(file(results, secondKeys.get("plain"))));

                clock.advance(Duration.ofDays(60));
                w.runOnce();
                assertEquals(Set.of(), ids(fc));
                assertFalse(Files.exists(file(results, secondKeys.get("plain"))));
                assertTrue(Files.exists(file(results, firstKeys.get("cached"))), "the cache entry still names it");
            }
            // and the cache still serves it
            UUID third = fc.execute(Loads.class, f -> f.loads(1)).id();
            assertEquals(firstKeys.get("cached"), keys(fc, third).get("cached"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql", "memory"})
    void deletingEndedRunsByHandDeletesTheResultsNothingElseNames(String kind) throws Exception {
        // the path of 'flow-run delete --older-than': like the pruner, it leaves no orphaned result behind
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        Path results = home.resolve("results");
        try (Flowcore fc = engine(kind, clock, cfg -> cfg.inlineResultLimit(0).resultStore(new FileResultStore(results)))) {
            UUID first = fc.execute(Loads.class, f -> f.loads(2)).id();
            Map<String, String> keys = keys(fc, first);
            clock.advance(Duration.ofDays(10));

            assertEquals(List.of(first), fc.history().deleteEnded(clock.instant(), List.of(), true).stream()
                    .map(FlowRunRecord::id).toList());
            assertTrue(Files.exists(file(results, keys.get("plain"))), "a dry run deletes nothing");

            assertEquals(List.of(first), fc.history().deleteEnded(clock.instant(), List.of(), false).stream()
                    .map(FlowRunRecord::id).toList());
            assertFalse(Files.exists(file(results, keys.get("plain"))), "nothing names it any more");
            assertTrue(Files.exists(file(results, keys.get("cached"))), "the cache entry still names it");
        }
    }

    @Test
    void aRetentionOfZeroOrLessIsRefusedNamingIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Deployment.of(RetentionTests.Jobs.class, "job", "x").withRetention(Duration.ZERO));
        assertEquals("deployment retention must be > 0: PT0S", e.getMessage());
    }

    @Test
    void theFileResultStoreDeletesAKeyOnceAndRefusesAnUnsafeOne() {
        FileResultStore store = new FileResultStore(home.resolve("r"));
        store.write("k1", "1".getBytes());
        assertTrue(store.delete("k1"));
        assertFalse(store.exists("k1"));
        assertFalse(store.delete("k1"));
        assertThrows(IllegalArgumentException.class, () -> store.delete("../x"));
    }

    private static Path file(Path results, String key) {
        return results.resolve(key + ".json");
    }

    /** The result key of each task of run {@code id}, by task name. */
    private static Map<String, String> keys(Flowcore fc, UUID id) {
        return fc.history().taskRuns(id).stream().collect(Collectors.toMap(
                t -> t.name().replaceAll("-.*", ""), TaskRunRecord::resultRef));
    }

    private static Set<UUID> ids(Flowcore fc) {
        return fc.history().flowRuns(FlowRunQuery.all()).stream().map(FlowRunRecord::id).collect(Collectors.toSet());
    }
}
