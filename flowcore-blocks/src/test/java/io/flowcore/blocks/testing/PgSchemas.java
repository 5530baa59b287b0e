package io.flowcore.blocks.testing;

import io.flowcore.engine.testing.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Fresh PostgreSQL schemas for tests that create flowcore's own tables (block store, state store): the
 * shared server is used by other builds at the same time, possibly of other flowcore versions.
 */
public final class PgSchemas {
    private PgSchemas() {
    }

    /** Creates a schema named {@code prefix_<random>} and returns its name. */
    public static String create(String prefix) {
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    /** The JDBC URL of the test server with {@code schema} as the current schema. */
    public static String url(String schema) {
        String url = TestInfra.postgres().url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops {@code schema} and everything in it. */
    public static void drop(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String sql) {
        TestInfra.Postgres pg = TestInfra.postgres();
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
