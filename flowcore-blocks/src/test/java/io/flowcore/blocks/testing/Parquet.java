package io.flowcore.blocks.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes and reads Parquet files with an in-memory DuckDB, independently of the code under test. */
public final class Parquet {
    private Parquet() {
    }

    /** Writes {@code rows} trips of {@code month} (YYYY-MM): id, pickup (TIMESTAMP), fare (DOUBLE). */
    public static Path trips(Path file, String month, int rows, int idOffset) {
        exec("COPY (SELECT (i + " + idOffset + ")::BIGINT AS id, TIMESTAMP '" + month + "-01' + to_days((i % 28)::INTEGER) AS pickup,"
                + " (i % 100) / 10.0 AS fare FROM range(" + rows + ") t(i)) TO '" + file + "' (FORMAT parquet)");
        return file;
    }

    /** Runs one query on an in-memory DuckDB and returns the first column of its first row. */
    public static Object scalar(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
