package io.flowcore.engine;

import static io.flowcore.engine.SchedulesTests.monthly;
import static io.flowcore.engine.SchedulesTests.ny;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.deployment.Catchup;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A monthly deployment applied on 15 January 2021 (runs for 1 February, March and April), then no scheduler
 * until 15 September: 1 May to 1 September passed without a run.
 */
@DisplayName("catch-up after downtime")
class CatchupTests {
    @TempDir
    Path home;

    /** The months the runs load (each the month before its instant), in order of instant, after the pass in September. */
    private List<Integer> monthsAfterDowntime(Deployment d, String store) {
        SchedulesTests.FakeClock clock = new SchedulesTests.FakeClock(ny("2021-01-15T00:00"));
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).clock(clock).store(store.equals("sqlite")
                ? StateStores.sqlite(home.resolve("runs.db")) : StateStores.inMemory()))) {
            fc.deployments().apply(d);
            clock.set(ny("2021-09-15T00:00"));
            int created = fc.deployments().schedule();
            assertEquals(0, fc.deployments().schedule(), "a second pass creates nothing");
            List<FlowRunRecord> runs = fc.history().flowRuns(FlowRunQuery.all().flow("monthly-load")).stream()
                    .sorted(Comparator.comparing((FlowRunRecord r) -> r.state().scheduledTime())).toList();
            List<Integer> months = runs.stream().map(r -> Integer.valueOf(r.parametersJson()
                    .replaceAll(".*\"months\":\\[(\\d+)].*", "$1"))).toList();
            assertEquals(runs.size() - 3, created, months.toString());
            return months;
        }
    }

    @Test
    void byDefaultMissedInstantsAreNotRun() {
        assertEquals(List.of(1, 2, 3, 9, 10, 11), monthsAfterDowntime(monthly(), "memory"),
                "February to April as applied, then October to December ahead: May to September are missed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void latestRunsTheMostRecentMissedInstantOnly(String store) {
        assertEquals(List.of(1, 2, 3, 8, 9, 10, 11), monthsAfterDowntime(monthly().withCatchup(Catchup.latest()), store),
                "1 September (loading August) is run, due at once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void allRunsEveryMissedInstantUpToItsCapTheMostRecentFirst(String store) {
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), monthsAfterDowntime(monthly().withCatchup(Catchup.all()), store));
        home = home.resolve("capped");
        assertEquals(List.of(1, 2, 3, 6, 7, 8, 9, 10, 11), monthsAfterDowntime(monthly().withCatchup(Catchup.all(3)), store),
                "a cap of 3 runs the three most recent: 1 July, August and September");
    }

    @Test
    void aCapBelowOneOrAnUnknownModeIsRefusedNamingIt() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Catchup.all(0));
        assertEquals("catchup max must be >= 1: 0", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Catchup.Mode.parse("some"));
        assertEquals("catchup 'some' is not one of none, latest, all", e.getMessage());
    }
}
