package io.flowcore.examples.taxi.data;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Loads a month file into a PostgreSQL table in one transaction: creates the table (canonical
 * schema) if needed, optionally empties it, streams the rows with binary COPY, commits. On any
 * failure the transaction is rolled back, so the table keeps its previous rows.
 */
public final class PostgresLoader {
    private final MonthConverter converter;

    /** A loader reading files with {@code options}. */
    public PostgresLoader(ConversionOptions options) {
        this.converter = new MonthConverter(options);
    }

    /**
     * Loads {@code source} (rows of {@code service}) into {@code table}.
     *
     * @param replace whether to delete the table's rows first (in the same transaction)
     * @throws IOException wrapping SQL errors, naming the table; or the converter's exceptions
     */
    public ConversionSummary load(Connection connection, String table, Path source, Service service, boolean replace)
            throws IOException {
        return load(connection, table, source, service, replace ? "TRUNCATE " + table : null);
    }

    /**
     * Loads {@code source} into {@code table}, replacing the table's rows whose {@code column} lies in
     * [{@code from}, {@code to}) in the same transaction: loading a month twice leaves one copy of it,
     * and a load that fails leaves the previous copy.
     */
    public ConversionSummary loadReplacing(Connection connection, String table, Path source, Service service,
                                           String column, java.time.LocalDateTime from, java.time.LocalDateTime to)
            throws IOException {
        String quoted = '"' + column.replace("\"", "\"\"") + '"';
        return load(connection, table, source, service, "DELETE FROM " + table + " WHERE " + quoted + " >= TIMESTAMP '"
                + from + "' AND " + quoted + " < TIMESTAMP '" + to + "'");
    }

    private ConversionSummary load(Connection connection, String table, Path source, Service service, String clear)
            throws IOException {
        TaxiSchema schema = TaxiSchema.canonical(service);
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute(schema.postgresCreateTable(table));
                if (clear != null) st.execute(clear);
            }
        } catch (SQLException e) {
            throw new IOException("cannot prepare table " + table + ": " + e.getMessage(), e);
        }
        boolean ok = false;
        try (PostgresCopySink sink = new PostgresCopySink(connection, table, schema)) {
            ConversionSummary summary = converter.convert(source, service, sink);
            connection.commit();
            ok = true;
            return summary;
        } catch (SQLException e) {
            throw new IOException("cannot commit the load of " + source.getFileName() + " into " + table + ": " + e.getMessage(), e);
        } finally {
            try {
                if (!ok) connection.rollback();
                connection.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                if (ok) throw new IOException("cannot restore auto-commit on the connection: " + e.getMessage(), e);
            }
        }
    }
}
