package io.flowcore.engine;

import io.flowcore.api.deployment.PlannedRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.schedule.Scheduler;
import io.flowcore.engine.testing.TestInfra;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules on deployments: the scheduler, new versions, backfill and bad input, on a fake clock. */
@DisplayName("schedules")
class SchedulesTests {
    private static final ZoneId NY = ZoneId.of("America/New_York");

    public static class MonthlyLoad {
        @Flow(name = "monthly-load")
        public String load(@Min(2000) int year, List<@Min(1) @Max(12) Integer> months) {
            return year + "/" + months;
        }
    }

    /** A clock the test moves. */
    static final class FakeClock implements InstantSource {
        private volatile Instant now;

        FakeClock(Instant start) {
            now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void set(Instant t) {
            now = t;
        }
    }

    static Instant ny(String local) {
        return LocalDateTime.parse(local).atZone(NY).toInstant();
    }

    static Deployment monthly() {
        return Deployment.of(MonthlyLoad.class, "load", "monthly")
                .withParameters(params("{{ interval.start.year }}", List.of("{{ interval.start.month }}")))
                .withSchedules(Schedule.cron("0 5 1 * *").withTimezone("America/New_York"));
    }

    /** In this order, so that the stored JSON reads year first. */
    static Map<String, Object> params(Object year, Object months) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("year", year);
        p.put("months", months);
        return p;
    }

    @TempDir
    Path home;
    private final FakeClock clock = new FakeClock(ny("2021-01-15T00:00"));
    private final StateStore store = StateStores.inMemory();

    private Flowcore engine() {
        return Flowcore.create(cfg -> cfg.home(home).store(store).clock(clock));
    }

    private static List<FlowRunRecord> runs(Flowcore fc) {
        return fc.history().flowRuns(FlowRunQuery.all().flow("monthly-load")).stream()
                .sorted(Comparator.comparing((FlowRunRecord r) -> r.state().scheduledTime() == null ? Instant.MIN
                        : r.state().scheduledTime()).thenComparing(r -> r.state().timestamp()))
                .toList();
    }

    @Test
    void applyCreatesTheNextRunsAtTheirInstantsWithTheMonthThatJustEnded() {
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly());
            List<FlowRunRecord> runs = runs(fc);
            assertEquals(List.of(ny("2021-02-01T05:00"), ny("2021-03-01T05:00"), ny("2021-04-01T05:00")),
                    runs.stream().map(r -> r.state().scheduledTime()).toList());
            assertEquals(List.of("{\"months\":[1],\"year\":2021}", "{\"months\":[2],\"year\":2021}",
                    "{\"months\":[3],\"year\":2021}"), runs.stream().map(FlowRunRecord::parametersJson).toList());
            assertTrue(runs.stream().allMatch(r -> r.state().type() == StateType.SCHEDULED));
            assertEquals(0, fc.deployments().schedule(), "a second pass creates nothing");
            clock.set(ny("2021-02-01T05:00:01"));
            assertEquals(1, fc.deployments().schedule(), "the pass keeps three runs ahead: 1 May is new");
        }
    }

    @Test
    void aWorkerRunsTheSchedulerOnItsClockAndExecutesTheDueRun() throws Exception {
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly());
            try (Worker w = fc.worker(o -> o.scheduleAhead(1, Duration.ZERO))) {
                assertEquals(0, w.runOnce(), "nothing is due on 15 January");
                clock.set(ny("2021-02-01T05:00:01"));
                assertEquals(1, w.runOnce());
            }
            FlowRunRecord feb = runs(fc).getFirst();
            assertEquals(StateType.COMPLETED, feb.state().type(), feb.state().toString());
            assertEquals(ny("2021-03-01T05:00"), runs(fc).get(1).state().scheduledTime());
        }
    }

    @Test
    void aStartedWorkersSchedulerThreadFollowsTheEnginesClock() throws Exception {
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly());
            try (Worker w = fc.worker(o -> o.scheduleAhead(3, Duration.ZERO).pollInterval(Duration.ofMillis(10))).start()) {
                clock.set(ny("2021-02-01T05:00:01"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (w.executed() < 1 || runs(fc).size() < 4) {
                    assertTrue(System.nanoTime() < deadline, "executed " + w.executed() + ", runs " + runs(fc).size());
                    Thread.sleep(10);
                }
            }
            assertEquals(ny("2021-05-01T05:00"), runs(fc).getLast().state().scheduledTime(),
                    "the pass after the clock moved keeps three runs ahead");
        }
    }

    @Test
    void aNewVersionReplacesFutureUnclaimedRunsAndNeverDeletesAClaimedOne() {
        try (Flowcore fc = engine()) {
            DeploymentRecord v1 = fc.deployments().apply(monthly());
            // A worker whose clock runs ahead claims the February run while it is still in the future here.
            var claimed = ((DeploymentStore) store).claimDue("ahead", List.of(), ny("2021-02-01T05:00"), 10);
            assertEquals(1, claimed.size());

            DeploymentRecord v2 = fc.deployments().apply(monthly().withWorkQueue("monthly"));
            assertEquals(v1.version() + 1, v2.version());
            List<FlowRunRecord> runs = runs(fc);
            assertEquals(3, runs.size(), runs.toString());
            assertEquals(claimed.getFirst().run().id(), runs.getFirst().id(), "the claimed run stays");
            assertEquals(StateType.PENDING, runs.getFirst().state().type());
            assertTrue(runs.subList(1, 3).stream().noneMatch(r -> List.of(claimed.getFirst().run().id()).contains(r.id())));

            fc.deployments().apply(monthly().withSchedules(monthly().schedules().getFirst().paused()));
            assertEquals(List.of(claimed.getFirst().run().id()), runs(fc).stream().map(FlowRunRecord::id).toList(),
                    "pausing deletes the future runs no worker claimed");
        }
    }

    @Test
    void pausingTheDeploymentRemovesItsFutureScheduledRunsAndResumingRecreatesThem() {
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly());
            assertEquals(3, runs(fc).size());
            fc.deployments().pause("monthly-load/monthly");
            assertEquals(List.of(), runs(fc));
            assertEquals(0, fc.deployments().schedule(), "a paused deployment gets no runs");
            var refused = assertThrows(IllegalStateException.class, () -> fc.deployments().backfill("monthly-load/monthly",
                    LocalDate.parse("2021-01-01"), LocalDate.parse("2021-01-02"), false));
            assertTrue(refused.getMessage().contains("is paused"), refused.getMessage());
            fc.deployments().resume("monthly-load/monthly");
            assertEquals(3, runs(fc).size());
            fc.deployments().remove("monthly-load/monthly");
            fc.deployments().apply(monthly());
            assertEquals(3, runs(fc).size(), "a removed deployment's instants are free again when it is applied anew");
        }
    }

    @Test
    void aBackfillCreatesOneRunPerInstantOnceAndADryRunCreatesNothing() {
        clock.set(ny("2021-12-10T00:00"));
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly().withSchedules());
            fc.deployments().apply(monthly().withSchedules(Schedule.cron("0 5 1 * *").withTimezone("America/New_York").paused(),
                    Schedule.cron("0 5 1 * *").withTimezone("America/New_York")));
            int before = runs(fc).size();
            List<PlannedRun> dry = fc.deployments().backfill("monthly-load/monthly", LocalDate.parse("2021-02-01"),
                    LocalDate.parse("2021-04-01"), true);
            assertEquals(List.of("{\"months\":[1],\"year\":2021}", "{\"months\":[2],\"year\":2021}",
                    "{\"months\":[3],\"year\":2021}"), dry.stream().map(PlannedRun::parametersJson).toList());
            assertEquals(before, runs(fc).size(), "a dry run creates nothing");

            List<PlannedRun> real = fc.deployments().backfill("monthly-load/monthly", LocalDate.parse("2021-02-01"),
                    LocalDate.parse("2021-04-01"), false);
            assertTrue(real.stream().allMatch(PlannedRun::created));
            assertEquals(before + 3, runs(fc).size());
            assertTrue(fc.deployments().backfill("monthly-load/monthly", LocalDate.parse("2021-01-01"),
                    LocalDate.parse("2021-04-30"), false).stream().filter(PlannedRun::created)
                    .map(PlannedRun::instant).toList().equals(List.of(ny("2021-01-01T05:00"))),
                    "a wider backfill adds only the instant it did not have");

            var bad = assertThrows(IllegalArgumentException.class, () -> fc.deployments().backfill("monthly-load/monthly",
                    LocalDate.parse("2021-05-01"), LocalDate.parse("2021-04-01"), false));
            assertTrue(bad.getMessage().contains("--from 2021-05-01 is after --to 2021-04-01"), bad.getMessage());
            assertEquals(before + 4, runs(fc).size());
        }
    }

    @Test
    void anInvalidScheduleOrATemplateThatRendersAnInvalidParameterStoresNothing() {
        try (Flowcore fc = engine()) {
            var cron = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(
                    monthly().withSchedules(Schedule.cron("0 5 32 * *"))));
            assertTrue(cron.getMessage().startsWith("deployment 'monthly': schedules[0]: cron '0 5 32 * *' is invalid"),
                    cron.getMessage());
            var rendered = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(monthly()
                    .withParameters(params("{{ interval.start.day }}", List.of(1)))));
            assertTrue(rendered.getMessage().contains("parameter 'year' = 1"), rendered.getMessage());
            var unknown = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(monthly()
                    .withParameters(params("{{ interval.begin.year }}", List.of(1)))));
            assertTrue(unknown.getMessage().contains("unknown template variable 'interval.begin.year'"), unknown.getMessage());
            assertTrue(fc.deployments().list().isEmpty());
            assertTrue(runs(fc).isEmpty());
        }
    }

    @Test
    void aRunNotStartedFifteenSecondsAfterItsTimeBecomesLateOnceAndStillRuns() throws Exception {
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly()); // runs at 1 February, 1 March and 1 April, 05:00 New York time
            clock.set(ny("2021-02-01T05:00:10"));
            fc.deployments().schedule();
            FlowRunRecord first = runs(fc).getFirst();
            assertEquals("Scheduled", first.state().name(), "10 s after its time it is not late yet");

            clock.set(ny("2021-02-01T05:00:20"));
            fc.deployments().schedule();
            fc.deployments().schedule();
            FlowRunRecord late = fc.history().flowRun(first.id()).orElseThrow();
            assertEquals(StateType.SCHEDULED, late.state().type());
            assertEquals("Late", late.state().name());
            assertTrue(late.state().message().contains("not started 20 s after its scheduled time"), late.state().message());
            assertEquals(List.of("Scheduled", "Late"), TestEngines.names(fc, first.id()), "marked once");
            assertEquals("Scheduled", runs(fc).get(1).state().name(), "the March run is not late");

            try (Worker w = fc.worker(o -> o.noScheduler())) {
                assertEquals(1, w.runOnce());
            }
            assertEquals(List.of("Scheduled", "Late", "Pending", "Running", "Completed"), TestEngines.names(fc, first.id()));
        }
    }

    @Test
    void aRunTooLateToMatterIsSkippedWithTheReasonAndNeverStarts() throws Exception {
        try (Flowcore fc = engine()) {
            fc.deployments().apply(monthly().withMaxLateness(Duration.ofHours(6)));
            clock.set(ny("2021-02-01T10:00")); // 5 h late: Late, still worth running
            fc.deployments().schedule();
            FlowRunRecord feb = runs(fc).getFirst();
            assertEquals("Late", fc.history().flowRun(feb.id()).orElseThrow().state().name());

            clock.set(ny("2021-02-01T12:00")); // 7 h late: past maxLateness
            fc.deployments().schedule();
            FlowRunRecord skipped = fc.history().flowRun(feb.id()).orElseThrow();
            assertEquals(StateType.CANCELLED, skipped.state().type());
            assertEquals("Skipped", skipped.state().name());
            assertTrue(skipped.state().message().contains("past the deployment's maxLateness of 21600 s"),
                    skipped.state().message());
            try (Worker w = fc.worker(o -> o.noScheduler())) {
                assertEquals(0, w.runOnce(), "a skipped run never starts");
            }
            assertEquals(List.of("Scheduled", "Late", "Skipped"), TestEngines.names(fc, feb.id()));
        }
    }

    /** Engines on one database: two schedulers racing over the same instants, and a claim racing a new version. */
    abstract static class TwoSchedulers {
        @TempDir
        Path home;

        abstract Consumer<FlowcoreConfig> store();

        /** Another store object on the same database, as another process would open it. */
        abstract StateStore openStore(String name);

        @Test
        void aNewVersionDeletesOnlyTheFutureRunsNoWorkerClaimed() {
            FakeClock clock = new FakeClock(ny("2021-01-15T00:00"));
            try (Flowcore fc = Flowcore.create(cfg -> { cfg.home(home.resolve("a")).clock(clock); store().accept(cfg); });
                 StateStore other = openStore("worker")) {
                fc.deployments().apply(monthly());
                // A worker whose clock runs ahead claims the February run while it is still in the future here.
                var claimed = ((DeploymentStore) other).claimDue("ahead", List.of(), ny("2021-02-01T05:00"), 10);
                assertEquals(1, claimed.size());
                fc.deployments().apply(monthly().withSchedules(monthly().schedules().getFirst().paused()));
                List<FlowRunRecord> left = runs(fc);
                assertEquals(List.of(claimed.getFirst().run().id()), left.stream().map(FlowRunRecord::id).toList(),
                        "the claimed run stays, the two unclaimed future runs are deleted");
                assertEquals(StateType.PENDING, left.getFirst().state().type());
                fc.deployments().apply(monthly());
                List<FlowRunRecord> resumed = runs(fc);
                assertEquals(3, resumed.size(), resumed.toString());
                assertEquals(List.of(ny("2021-03-01T05:00"), ny("2021-04-01T05:00")), resumed.stream()
                        .filter(r -> r.state().type() == StateType.SCHEDULED).map(r -> r.state().scheduledTime()).toList(),
                        "resuming recreates the deleted ones, once each, beside the claimed one");
            }
        }

        @Test
        void aPassCreatesOnlyTheMissingRunWhoseIntervalStartsAtTheInstantBefore() {
            FakeClock clock = new FakeClock(ny("2021-01-15T00:00"));
            try (Flowcore fc = Flowcore.create(cfg -> { cfg.home(home.resolve("m")).clock(clock); store().accept(cfg); })) {
                fc.deployments().apply(monthly()); // February, March, April
                assertEquals(0, fc.deployments().schedule(), "everything due is there");
                clock.set(ny("2021-02-02T00:00"));
                assertEquals(1, fc.deployments().schedule(), "three ahead again: only 1 May is missing");
                FlowRunRecord may = runs(fc).getLast();
                assertEquals(ny("2021-05-01T05:00"), may.state().scheduledTime());
                assertEquals("{\"months\":[4],\"year\":2021}", may.parametersJson(), "May's run loads April");
                assertEquals(4, runs(fc).size());
                assertEquals(0, fc.deployments().schedule());
            }
        }

        @Test
        void aRunPastTheMaximumLatenessIsSkippedInTheDatabase() {
            FakeClock clock = new FakeClock(ny("2021-01-15T00:00"));
            try (Flowcore fc = Flowcore.create(cfg -> { cfg.home(home.resolve("s")).clock(clock); store().accept(cfg); })) {
                fc.deployments().apply(monthly().withMaxLateness(Duration.ofHours(6)));
                clock.set(ny("2021-02-01T12:00"));
                fc.deployments().schedule();
                FlowRunRecord feb = runs(fc).stream().filter(r -> r.state().type() == StateType.CANCELLED).findFirst()
                        .orElseThrow(() -> new AssertionError("no skipped run: " + runs(fc)));
                assertEquals("Skipped", feb.state().name());
                assertEquals(List.of("Scheduled", "Skipped"), TestEngines.names(fc, feb.id()));
                try (StateStore other = openStore("w")) {
                    assertEquals(0, ((DeploymentStore) other).claimDue("w", List.of(), clock.instant(), 10).stream()
                            .filter(c -> c.run().id().equals(feb.id())).count(), "a skipped run is never claimed");
                }
            }
        }

        @Test
        void twoSchedulersOnOneStoreNeverCreateADuplicate() throws Exception {
            FakeClock clock = new FakeClock(Instant.parse("2021-03-01T00:00:00Z"));
            Deployment every5m = Deployment.of(MonthlyLoad.class, "load", "race")
                    .withParameters(Map.of("year", "{{ scheduled.year }}", "months", List.of("{{ scheduled.month }}")))
                    .withSchedules(Schedule.every(Duration.ofMinutes(5)));
            try (Flowcore a = Flowcore.create(cfg -> { cfg.home(home.resolve("a")).clock(clock); store().accept(cfg); });
                 Flowcore b = Flowcore.create(cfg -> { cfg.home(home.resolve("b")).clock(clock); store().accept(cfg); })) {
                a.deployments().apply(every5m.withSchedules()); // no runs yet: the race below creates them all
                DeploymentRecord d = a.deployments().versions("monthly-load/race").getLast();
                assertEquals(1, d.version());
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    for (int round = 0; round < 3; round++) {
                        if (round == 1) a.deployments().apply(every5m);
                        clock.set(clock.instant().plus(Duration.ofMinutes(30)));
                        CountDownLatch go = new CountDownLatch(1);
                        List<Future<Integer>> passes = new ArrayList<>();
                        for (Flowcore fc : List.of(a, b, a, b)) {
                            passes.add(pool.submit(() -> {
                                go.await();
                                return fc.deployments().schedule();
                            }));
                        }
                        go.countDown();
                        for (Future<Integer> f : passes) f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                List<FlowRunRecord> runs = a.history().flowRuns(FlowRunQuery.all().flow("monthly-load"));
                Set<Instant> instants = new java.util.HashSet<>();
                for (FlowRunRecord r : runs) assertTrue(instants.add(r.state().scheduledTime()), "duplicate " + r);
                // Applied at 00:30 (the next hour: 00:30-01:25), then passes at 01:00 and 01:30 (up to 02:25).
                assertEquals(24, runs.size(), instants.stream().sorted().toList().toString());
            }
        }
    }

    @Nested
    @DisplayName("on one SQLite file")
    class OnSqlite extends TwoSchedulers {
        @Override
        Consumer<FlowcoreConfig> store() {
            Path db = home.resolve("shared.db");
            return cfg -> cfg.store(StateStores.sqlite(db));
        }

        @Override
        StateStore openStore(String name) {
            return StateStores.sqlite(home.resolve("shared.db"));
        }
    }

    @Nested
    @DisplayName("on PostgreSQL")
    class OnPostgres extends TwoSchedulers {
        private TestInfra.PgSchema schema;

        @Override
        synchronized Consumer<FlowcoreConfig> store() {
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_schedules");
            String url = schema.url();
            TestInfra.Postgres pg = schema.pg();
            return cfg -> cfg.database(url, pg.user(), pg.password());
        }

        @Override
        StateStore openStore(String name) {
            store();
            return StateStores.jdbc(schema.url(), schema.pg().user(), schema.pg().password(), home.resolve(name + "-journal"));
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) schema.close();
        }
    }
}
