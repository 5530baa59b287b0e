package io.flowcore.bench.orchestration;

import io.flowcore.engine.FlowcoreConfig;
import io.flowcore.engine.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Where the runs of one measurement live: a fresh SQLite file, or a fresh schema of a PostgreSQL
 * database. It travels to the worker processes as a {@link #spec()} string; the PostgreSQL password
 * travels in the environment ({@value #PASSWORD_ENV}), never on a command line.
 */
public record BenchStore(String name, Path sqliteFile, String url, String user) {
    static final String PASSWORD_ENV = "FLOWCORE_PG_PASSWORD";

    public static BenchStore sqlite(Path file) {
        return new BenchStore("sqlite", file, null, null);
    }

    /** A new schema named {@code <prefix>_<random>} in the database at {@code baseUrl}. */
    public static BenchStore freshPostgresSchema(String baseUrl, String user, String prefix) throws SQLException {
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(baseUrl, user, password());
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return new BenchStore("postgres", null, baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                user);
    }

    static String password() {
        String p = System.getenv(PASSWORD_ENV);
        return p == null ? "" : p;
    }

    boolean isPostgres() {
        return url != null;
    }

    /** Points an engine's configuration at this store. */
    public void configure(FlowcoreConfig cfg) {
        if (isPostgres()) cfg.database(url, user, password());
        else cfg.store(StateStores.sqlite(sqliteFile));
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password());
    }

    /** Drops the PostgreSQL schema (a SQLite file goes with the bench's temporary folder). */
    public void drop() throws SQLException {
        if (!isPostgres()) return;
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** What a worker process needs to open the same store, as one argument. */
    String spec() {
        return isPostgres() ? "postgres|" + url + "|" + user : "sqlite|" + sqliteFile;
    }

    static BenchStore parse(String spec) {
        String[] p = spec.split("\\|", -1);
        return switch (p[0]) {
            case "postgres" -> new BenchStore("postgres", null, p[1], p[2]);
            case "sqlite" -> sqlite(Path.of(p[1]));
            default -> throw new IllegalArgumentException("unknown store spec '" + p[0] + "': expected postgres or sqlite");
        };
    }

    /** The environment a worker process needs besides its arguments. */
    static Map<String, String> childEnvironment() {
        return Map.of(PASSWORD_ENV, password());
    }
}
