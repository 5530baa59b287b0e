package io.flowcore.engine.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a database's schema up to date: the scripts of {@link #SCRIPTS} are applied in order, all in
 * one transaction, each recorded in {@code schema_version}. The transaction first takes the database's
 * migration lock (SQLite: {@code BEGIN IMMEDIATE}; PostgreSQL: an advisory lock), so when two processes
 * open a fresh database at once, the second waits and then finds nothing to do.
 */
final class Migrations {
    /**
     * In order; a script's version is the number after {@code V}. Never edit a released script: add one. A script
     * whose statements differ per database comes as {@code V<n>__<what>.<dialect>.sql} files, one per dialect.
     */
    static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__blocks.sql", "V3__claims.sql",
            "V4__deployments.sql", "V5__deployment_schemas.sql", "V6__notifications.sql", "V7__work_queues.sql",
            "V8__schedules.sql",
            "V9__deployment_retries.sql",
            "V10__deployment_max_lateness.sql",
            "V11__deployment_infrastructure.sql",
            "V12__api_keys.sql",
            "V13__deployment_overlap_catchup.sql",
            "V14__deployment_retention.sql",
            "V15__workspaces.sql",
            "V18__server_sessions.sql",
            "V19__run_name_search.sql",
            "V20__claim_settings.sql",
            "V21__notification_rules_version.sql",
            "V22__due_index.sql");

    private static final String RESOURCE_DIR = "migrations/";

    private Migrations() {
    }

    /** Applies what is missing and returns the versions it applied (empty when up to date). */
    static List<Integer> migrate(Connection c, Dialect dialect) throws SQLException {
        return dialect.inTransaction(c, tx -> {
            dialect.lockForMigration(tx);
            Dialect.exec(tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                    + "script TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            int current = currentVersion(tx);
            int newest = version(SCRIPTS.getLast());
            if (current > newest) {
                throw new IllegalStateException("the database's schema version " + current
                        + " is newer than this flowcore supports (" + newest + "); upgrade flowcore");
            }
            List<Integer> applied = new ArrayList<>();
            for (String script : SCRIPTS) {
                int v = version(script);
                if (v <= current) continue;
                apply(tx, dialect, script, v);
                applied.add(v);
            }
            return applied;
        });
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void apply(Connection c, Dialect dialect, String script, int version) throws SQLException {
        for (String sql : statements(dialect.substitute(load(script, dialect)))) {
            try {
                Dialect.exec(c, sql);
            } catch (SQLException e) {
                throw new SQLException("migration " + script + " failed at: " + sql + ": " + e.getMessage(),
                        e.getSQLState(), e.getErrorCode(), e);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, version);
            ps.setString(2, script);
            ps.setLong(3, Columns.nanos(Instant.now()));
            ps.executeUpdate();
        }
    }

    static int version(String script) {
        int end = script.indexOf("__");
        if (!script.startsWith("V") || end < 2) {
            throw new IllegalArgumentException("migration script name must look like V<n>__<what>.sql: " + script);
        }
        return Integer.parseInt(script.substring(1, end));
    }

    private static String load(String script, Dialect dialect) {
        String own = script.replaceFirst("\\.sql$", "." + dialect.storeName + ".sql");
        try (InputStream in = Migrations.class.getResourceAsStream(RESOURCE_DIR + own)) {
            if (in != null) return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration script " + own, e);
        }
        try (InputStream in = Migrations.class.getResourceAsStream(RESOURCE_DIR + script)) {
            if (in == null) throw new IllegalStateException("migration script missing from the classpath: " + script);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration script " + script, e);
        }
    }

    /** Splits a script at semicolons that end a line; drops {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) continue;
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        return out;
    }
}
