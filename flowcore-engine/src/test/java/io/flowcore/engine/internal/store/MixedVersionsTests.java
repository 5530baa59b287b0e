package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes of different flowcore versions, or starting together, on one store. */
@DisplayName("mixed versions on one store")
class MixedVersionsTests {
    @TempDir
    Path dir;

    private static final int NEWEST = Migrations.version(Migrations.SCRIPTS.getLast());

    @Test
    void aStoreWhoseSchemaIsNewerThanThisFlowcoreIsRefusedNamingBothVersions() throws Exception {
        Path db = dir.resolve("flowcore.db");
        StoreFactory.sqlite(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, script, applied_at) VALUES (" + (NEWEST + 7)
                    + ", 'V" + (NEWEST + 7) + "__future.sql', 0)");
        }

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StoreFactory.sqlite(db));

        assertTrue(e.getMessage().contains("schema version " + (NEWEST + 7)), e.getMessage());
        assertTrue(e.getMessage().contains("(" + NEWEST + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("upgrade flowcore"), e.getMessage());
    }

    @Test
    void twoProcessesMigratingOneFreshSqliteFileAtOnceMigrateItOnce() throws Exception {
        Path db = dir.resolve("fresh.db");
        migrateTogether(() -> {
            org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
            cfg.setBusyTimeout(30_000);
            Connection c = cfg.createConnection("jdbc:sqlite:" + db);
            c.setAutoCommit(true);
            return c;
        });
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            assertEquals(versions(), applied(c));
        }
    }

    @Test
    void twoProcessesMigratingOneFreshPostgresSchemaAtOnceMigrateItOnce() throws Exception {
        TestInfra.Postgres pg = TestInfra.postgres();
        String schema = "flowcore_migrate_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String url = pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            migrateTogether(() -> DriverManager.getConnection(url, pg.user(), pg.password()));
            try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password())) {
                assertEquals(versions(), applied(c));
            }
        } finally {
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** Two connections (as two processes would have) run the migrations at the same moment; both succeed. */
    private static void migrateTogether(Callable<Connection> connect) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> both = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                both.add(pool.submit(() -> {
                    try (Connection c = connect.call()) {
                        go.await();
                        StoreFactory.migrate(c);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : both) f.get(); // neither fails with "table exists" or a duplicate version
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Integer> versions() {
        return Migrations.SCRIPTS.stream().map(Migrations::version).toList();
    }

    private static List<Integer> applied(Connection c) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rs.next()) out.add(rs.getInt(1));
        }
        return out;
    }
}
