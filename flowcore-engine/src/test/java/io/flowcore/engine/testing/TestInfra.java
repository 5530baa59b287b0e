package io.flowcore.engine.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to test infrastructure described by environment variables. A missing variable skips the test
 * (aborts it) on a developer machine, and fails it on CI ({@code CI=true}) or when
 * {@code FLOWCORE_REQUIRE_INFRA=1}, so that CI cannot pass by skipping.
 */
public final class TestInfra {
    private TestInfra() {
    }

    /** The PostgreSQL that {@code .ci/test-infra.sh up} starts. */
    public record Postgres(String url, String user, String password) {
    }

    /** A fresh schema of the test PostgreSQL, so that tests running at the same time never share tables. */
    public record PgSchema(Postgres pg, String name) implements AutoCloseable {
        /** Creates {@code <prefix>_<random>}. */
        public static PgSchema create(String prefix) {
            Postgres pg = postgres();
            String name = prefix + "_" + java.util.UUID.randomUUID().toString().replace("-", "");
            try (var c = java.sql.DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                c.createStatement().execute("CREATE SCHEMA " + name);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot create schema " + name + ": " + e.getMessage(), e);
            }
            return new PgSchema(pg, name);
        }

        /** The JDBC URL with this schema as the current one. */
        public String url() {
            return pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + name;
        }

        @Override
        public void close() {
            try (var c = java.sql.DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot drop schema " + name + ": " + e.getMessage(), e);
            }
        }
    }

    public static Postgres postgres() {
        String hint = "set FLOWCORE_PG_URL (run .ci/test-infra.sh up)";
        return new Postgres(require("FLOWCORE_PG_URL", hint), optional("FLOWCORE_PG_USER", "flowcore"),
                optional("FLOWCORE_PG_PASSWORD", "flowcore"));
    }

    /** The variable's value, with the usual hint; see {@link #require(String, String)}. */
    public static String require(String variable) {
        return require(variable, variable + " is not set: run `bash .ci/test-infra.sh up && source /tmp/flowcore-infra/env.sh`");
    }

    /** True when missing infrastructure must fail tests rather than skip them. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FLOWCORE_REQUIRE_INFRA"));
    }

    /** The variable's value; when unset, aborts the test, or fails it when {@link #required()}. */
    public static String require(String variable, String hint) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank()) return value;
        if (required()) {
            return Assertions.fail(hint + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
        }
        return Assumptions.abort(hint);
    }

    private static String optional(String variable, String fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : value;
    }
}
