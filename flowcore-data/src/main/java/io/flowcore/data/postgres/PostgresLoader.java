package io.flowcore.data.postgres;

import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.ShrinkGuard;
import io.flowcore.data.BatchSink;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Loads a file (CSV, CSV.gz or Parquet, read by {@link FileConverter}) into a PostgreSQL table in one
 * transaction: creates the table (the target schema) if needed, optionally empties it, streams the rows
 * with binary COPY ({@link PostgresCopySink}), commits. On any failure the transaction is rolled back,
 * so the table keeps its previous rows. Table and column names are validated and quoted
 * ({@link SqlIdentifiers}); a name that is not allowed is refused before anything is sent.
 */
public final class PostgresLoader {
    private final FileConverter converter;

    /** A loader reading files with {@code options}. */
    public PostgresLoader(ConversionOptions options) {
        this.converter = new FileConverter(options);
    }

    /**
     * Loads {@code source} (rows of {@code schema}) into {@code table}.
     *
     * @param replace whether to delete the table's rows first (in the same transaction)
     * @throws IOException wrapping SQL errors, naming the table; or the converter's exceptions
     */
    public ConversionSummary load(Connection connection, String table, Path source, Schema schema, boolean replace)
            throws IOException {
        String quoted = SqlIdentifiers.quoteQualified(table, "table name");
        return load(connection, table, source, schema, replace ? "TRUNCATE " + quoted : null, null);
    }

    /**
     * {@link #loadReplacing(Connection, String, Path, Schema, String, LocalDateTime, LocalDateTime, ShrinkGuard)}
     * with the default guard: a load with no rows, or fewer than half of the rows the range holds, is refused.
     */
    public ConversionSummary loadReplacing(Connection connection, String table, Path source, Schema schema,
                                           String column, LocalDateTime from, LocalDateTime to) throws IOException {
        return loadReplacing(connection, table, source, schema, column, from, to, ShrinkGuard.defaults());
    }

    /**
     * Loads {@code source} into {@code table}, replacing the table's rows whose {@code column} lies in
     * [{@code from}, {@code to}) in the same transaction: loading a range twice leaves one copy of it
     * (also when two loads of it overlap: they take turns on an advisory lock), and a load that fails
     * leaves the previous copy.
     *
     * @param guard refuses a load that would shrink the range (a mislabelled or empty file)
     * @throws PartitionShrinkException when {@code guard} refuses the row counts; nothing was changed
     */
    public ConversionSummary loadReplacing(Connection connection, String table, Path source, Schema schema,
                                           String column, LocalDateTime from, LocalDateTime to, ShrinkGuard guard)
            throws IOException {
        String quoted = SqlIdentifiers.quote(column, "column name");
        String range = quoted + " >= TIMESTAMP '" + from + "' AND " + quoted + " < TIMESTAMP '" + to + "'";
        return load(connection, table, source, schema, "DELETE FROM " + SqlIdentifiers.quoteQualified(table, "table name")
                + " WHERE " + range,
                new Replacement(column, from, to, guard));
    }

    /** A range replacement: the column and [from, to) it replaces, and its guard. */
    private record Replacement(String column, LocalDateTime from, LocalDateTime to, ShrinkGuard guard) {
        String range() {
            return column + " in [" + from + ", " + to + ")";
        }
    }

    /* Refuses a row outside the replaced range: it would land outside the rows the load deletes. */
    private static final class InRange implements BatchSink {
        private final BatchSink sink;
        private final int col;
        private final long fromMicros;
        private final long toMicros;
        private final Replacement replacement;
        private final Path source;

        InRange(BatchSink sink, Schema schema, Replacement replacement, Path source) {
            this.sink = sink;
            this.col = schema.require(replacement.column());
            this.fromMicros = replacement.from().toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
            this.toMicros = replacement.to().toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
            this.replacement = replacement;
            this.source = source;
        }

        @Override
        public void write(RowBatch b) throws IOException {
            for (int r = 0; r < b.size(); r++) {
                if (b.isNull(col, r) || b.getLong(col, r) < fromMicros || b.getLong(col, r) >= toMicros) {
                    throw new IOException("line " + b.lineNumber(r) + " of " + source.getFileName() + " has "
                            + replacement.column() + " = " + (b.isNull(col, r) ? "null" : timestamp(b.getLong(col, r)))
                            + ", outside " + replacement.range() + " being replaced; nothing was written"
                            + " (filter the rows to the range, or load the file under its own range)");
                }
            }
            sink.write(b);
        }

        private static LocalDateTime timestamp(long micros) {
            return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        }

        @Override
        public void commit() throws IOException {
            sink.commit();
        }

        @Override
        public void close() {
            // the COPY sink is closed by its owner
        }
    }

    private ConversionSummary load(Connection connection, String table, Path source, Schema schema, String clear,
                                   Replacement replacement) throws IOException {
        String create = PostgresSql.createTableIfNotExists(table, schema); // validates every name first
        boolean autoCommit;
        long oldRows = 0;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new IOException("cannot prepare table " + table + ": " + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            try (Statement st = connection.createStatement()) {
                if (replacement != null) lock(connection, table, replacement.range());
                st.execute(create);
                if (clear != null) oldRows = st.executeUpdate(clear);
            } catch (SQLException e) {
                throw new IOException("cannot prepare table " + table + ": " + e.getMessage(), e);
            }
            try (PostgresCopySink copy = new PostgresCopySink(connection, table, schema)) {
                BatchSink sink = replacement == null ? copy : new InRange(copy, schema, replacement, source);
                ConversionSummary summary = converter.convert(source, schema, sink);
                if (replacement != null) {
                    replacement.guard().check("table " + table + " (from " + source.getFileName() + ")",
                            replacement.range(), oldRows, summary.rowsWritten());
                }
                connection.commit();
                ok = true;
                return summary;
            } catch (SQLException e) {
                throw new IOException("cannot commit the load of " + source.getFileName() + " into " + table + ": "
                        + e.getMessage(), e);
            }
        } finally {
            try {
                if (!ok) connection.rollback();
                connection.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                if (ok) throw new IOException("cannot restore auto-commit on the connection: " + e.getMessage(), e);
            }
        }
    }

    /*
     * Two overlapping replacements of one range would each delete the old rows (neither sees the other's
     * uncommitted COPY) and both commit: two copies. A transaction-scoped advisory lock on (table, range),
     * taken before the DELETE, makes the second wait and then delete the first one's rows.
     */
    private static void lock(Connection connection, String table, String range) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, "flowcore.replace-partition:" + table);
            lock.setString(2, range);
            lock.execute();
        }
    }
}
