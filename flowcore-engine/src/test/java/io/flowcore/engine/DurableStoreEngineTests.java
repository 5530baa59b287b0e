package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on its durable stores: the embedded SQLite default and a real PostgreSQL. */
@DisplayName("the engine on SQLite and PostgreSQL")
class DurableStoreEngineTests {
    @TempDir
    Path home;

    private static void sixtyFourConcurrentTasksAndACachedRerun(Flowcore fc, String expectedStore) {
        assertEquals(expectedStore, fc.history().storeName());
        FlowRun<Integer> run = fc.execute(SubflowAndConcurrencyTests.Wide.class, SubflowAndConcurrencyTests.Wide::wide);
        assertEquals(64 * 63 / 2, run.result());
        List<TaskRunRecord> tasks = run.taskRuns();
        assertEquals(64, tasks.size());
        for (TaskRunRecord t : tasks) {
            assertEquals(List.of("Pending", "Running", "Completed"), TestEngines.names(fc, t.id()), t.name());
        }
        assertEquals(List.of("Pending", "Running", "Completed"), TestEngines.names(fc, run.id()));
        assertEquals(1, fc.history().flowRuns(FlowRunQuery.all().inStates(StateType.COMPLETED)).size());
    }

    @Test
    void sixtyFourConcurrentTasksRecordEveryStateInTheEmbeddedStoreWithoutLockErrors() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            sixtyFourConcurrentTasksAndACachedRerun(fc, "sqlite");
        }
    }

    @Test
    void aCachedResultSurvivesTheProcessOnTheEmbeddedStore() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            fc.execute(CachingAndResumeTests.Pipeline.class, f -> f.fetch(7));
        }
        int before = CachingAndResumeTests.downloads.get();
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            FlowRun<CachingAndResumeTests.Csv> run = fc.execute(CachingAndResumeTests.Pipeline.class, f -> f.fetch(7));
            assertEquals("Cached", run.taskRuns().getFirst().state().name());
            assertEquals(Path.of("/data/2021-7.csv"), run.result().file());
        }
        assertEquals(before, CachingAndResumeTests.downloads.get());
    }

    @Test
    void theEngineRunsOnPostgresql() throws Exception {
        TestInfra.Postgres pg = TestInfra.postgres();
        String schema = "flowcore_engine_" + UUID.randomUUID().toString().replace("-", "");
        try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home)
                .database(pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema, pg.user(),
                        pg.password()))) {
            sixtyFourConcurrentTasksAndACachedRerun(fc, "postgresql");
        } finally {
            try (var c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
