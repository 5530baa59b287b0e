package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL worker keeps the plan of its last claim while nothing that shapes claims changes: a queue paused,
 * resumed or limited by another process in between is seen by the very next claim.
 */
class ClaimPlanTests {
    static final Instant T0 = Instant.parse("2025-03-01T10:15:30Z");
    private TestInfra.Postgres pg;
    private String schema;
    private JdbcStateStore worker;
    private JdbcStateStore admin;

    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        pg = TestInfra.postgres();
        schema = "flowcore_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        String url = pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        worker = (JdbcStateStore) StoreFactory.jdbc(url, pg.user(), pg.password(), dir.resolve("w"));
        admin = (JdbcStateStore) StoreFactory.jdbc(url, pg.user(), pg.password(), dir.resolve("a"));
    }

    @AfterEach
    void close() {
        if (worker != null) worker.close();
        if (admin != null) admin.close();
        if (schema != null) execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    private void queueRuns(String queue, int n) {
        for (int i = 0; i < n; i++) {
            FlowRunRecord r = new FlowRunRecord(UUID.randomUUID(), "r" + i, "etl", "C", "m", "{}", null, null, null,
                    State.scheduled("Scheduled", T0, T0), T0);
            admin.insertScheduledRun(r, null, queue);
        }
    }

    private int claim(String queue, int limit) {
        return worker.claimDue("w", List.of(queue), T0.plusSeconds(60), limit).size();
    }

    @Test
    void aQueuePausedResumedOrLimitedBetweenTwoClaimsShapesTheSecond() {
        admin.createWorkQueue(WorkQueue.of("q", T0));
        queueRuns("q", 20);
        assertEquals(2, claim("q", 2)); // reads the plan and keeps it
        assertEquals(2, claim("q", 2)); // with the kept plan

        admin.setWorkQueuePaused("q", true);
        assertEquals(0, claim("q", 2));
        assertEquals(0, claim("q", 2)); // a plan with nothing to claim from is not kept: the resume shows

        admin.setWorkQueuePaused("q", false);
        assertEquals(2, claim("q", 2));

        admin.setWorkQueueConcurrencyLimit("q", 7); // 6 are held by the worker: room for 1
        assertEquals(1, claim("q", 5));
        assertEquals(0, claim("q", 5));

        admin.setWorkQueueConcurrencyLimit("q", null);
        assertEquals(5, claim("q", 5)); // 12 claimed now
        assertEquals(5, claim("q", 5)); // with the plan kept again
        assertEquals(3, claim("q", 5)); // the last of the 20
    }
}
