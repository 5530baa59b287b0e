package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.StateStore;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a real PostgreSQL, each test in a schema of its own that is dropped afterwards. */
class PostgresStateStoreTests extends StateStoreContractTests {
    private TestInfra.Postgres pg;
    private String schema;

    @TempDir
    Path journalDir;

    @BeforeEach
    @Override
    void openStore() {
        pg = TestInfra.postgres();
        schema = "flowcore_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        super.openStore();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    private String url() {
        return pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    protected StateStore open() {
        return StoreFactory.jdbc(url(), pg.user(), pg.password(), journalDir);
    }

    @Override
    protected StateStore reopen(StateStore old) {
        old.close();
        return open();
    }

    @Test
    void replaysTheJournalOfACrashedProcessOnOpen() {
        store.close();
        JdbcStateStore crashing = (JdbcStateStore) open();
        var flow = flowRun("etl", T0, io.flowcore.api.state.StateType.PENDING, "e");
        crashing.insertFlowRun(flow);
        crashing.flush();
        crashing.appendLog(log(flow.id(), null, 1));
        crashing.crashForTest();

        store = open();

        assertEquals(flow, store.flowRun(flow.id()).orElseThrow());
        assertEquals(List.of(log(flow.id(), null, 1)), store.logs(flow.id()));
    }

    @Test
    void rejectsAUrlOfAnotherDatabaseNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreFactory.jdbc("jdbc:mysql://db:3306/flowcore?password=secret", "u", "p", journalDir));
        assertTrue(e.getMessage().contains("jdbc:mysql://db:3306/flowcore"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }
}
