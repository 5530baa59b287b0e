package io.flowcore.blocks.sql;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.ShrinkGuard;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import io.flowcore.data.postgres.PostgresCopySink;
import io.flowcore.data.postgres.PostgresSql;
import io.flowcore.data.postgres.SqlIdentifiers;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/*
 * One bulk load of SqlConnector: DDL (per IfExists), an optional partition delete and the rows, all in
 * one transaction. PostgreSQL gets the rows through the data module's binary COPY (PostgresCopySink), in
 * batches of 1000 as the stream is read (memory stays bounded); other databases get batched INSERTs of 1000 rows.
 *
 * A partition replacement on PostgreSQL first takes an advisory lock on (table, partition), and every
 * replacement is checked by its ShrinkGuard before the commit (old rows = the DELETE's count).
 */
final class BulkLoader {
    private static final int BATCH = 1000;

    private final SqlConnector db;
    private final String table;
    private final String quotedTable;
    private final List<Column> columns;

    BulkLoader(SqlConnector db, String table, List<Column> columns) {
        this.db = db;
        this.table = table;
        try {
            this.quotedTable = SqlIdentifiers.quoteQualified(table, "table name");
        } catch (IllegalArgumentException e) {
            throw new BlockException(e.getMessage(), e);
        }
        if (columns == null || columns.isEmpty()) throw new BlockException("load into '" + table + "': no columns given");
        this.columns = List.copyOf(columns);
    }

    long load(Stream<? extends List<?>> rows, IfExists ifExists, String partitionColumn, Object partitionValue,
              ShrinkGuard guard) {
        int partIndex = -1;
        if (partitionColumn != null) {
            for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(partitionColumn)) partIndex = i;
            if (partIndex < 0) {
                throw new BlockException("load into '" + table + "': partition column '" + partitionColumn
                        + "' is not one of the columns " + columns.stream().map(Column::name).toList());
            }
        }
        try (Connection c = db.connection(); rows) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                boolean postgres = c.isWrapperFor(PGConnection.class);
                if (partIndex >= 0 && postgres) lockPartition(c, partitionColumn + " = " + partitionValue);
                prepareTable(c, ifExists);
                long oldRows = 0;
                if (partIndex >= 0) {
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM " + quotedTable + " WHERE "
                            + SqlIdentifiers.quote(partitionColumn, "column name") + " = ?")) {
                        del.setObject(1, partitionValue);
                        oldRows = del.executeUpdate();
                    }
                }
                Iterator<? extends List<?>> it = checked(rows.iterator(), partIndex, partitionColumn, partitionValue);
                long n = postgres ? copy(c, it) : insert(c, it);
                // Checked after the rows are in (a stream's length is known only at its end), before commit.
                if (guard != null) guard.check("table '" + table + "'", partitionColumn + " = " + partitionValue, oldRows, n);
                c.commit();
                return n;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (PartitionShrinkException e) {
            throw e;    // already names the table and partition, and says that nothing changed
        } catch (SQLException | IOException e) {
            throw new BlockException("load into '" + table + "' failed, nothing was written: " + e.getMessage(), e);
        } catch (BlockException e) {
            throw new BlockException("load into '" + table + "' failed, nothing was written: " + e.getMessage(), e);
        }
    }

    /*
     * Two overlapping replacements of one partition would both delete the old rows (neither sees the
     * other's uncommitted inserts) and both commit: two copies. A transaction-scoped advisory lock on
     * (table, partition), taken before the DELETE, makes them take turns; the second then deletes the
     * first one's rows. It is released by commit or rollback.
     */
    private void lockPartition(Connection c, String partition) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, "flowcore.replace-partition:" + table);
            lock.setString(2, partition);
            lock.execute();
        }
    }

    private void prepareTable(Connection c, IfExists ifExists) throws SQLException {
        String ddl = "CREATE TABLE " + quotedTable + " (" + columns.stream()
                .map(col -> SqlIdentifiers.quote(col.name(), "column name") + " " + col.sqlType())
                .collect(Collectors.joining(", ")) + ")";
        try (Statement s = c.createStatement()) {
            switch (ifExists) {
                case FAIL -> {
                    if (exists(c)) {
                        throw new BlockException("table '" + table + "' already exists (if-exists = FAIL): use REPLACE or APPEND");
                    }
                    s.execute(ddl);
                }
                case REPLACE -> {
                    s.execute("DROP TABLE IF EXISTS " + quotedTable);
                    s.execute(ddl);
                }
                case APPEND -> {
                    if (!exists(c)) s.execute(ddl);
                }
            }
        }
    }

    private boolean exists(Connection c) throws SQLException {
        String[] parts = table.split("\\.");
        String schema = parts.length == 2 ? parts[0] : c.getSchema();
        String name = parts[parts.length - 1];
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(null, schema, name, null)) {
            return rs.next();
        }
    }

    private Iterator<? extends List<?>> checked(Iterator<? extends List<?>> rows, int partIndex, String partCol, Object partValue) {
        String expected = partValue == null ? null : String.valueOf(partValue);
        return new Iterator<List<?>>() {
            long n;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public List<?> next() {
                List<?> row = rows.next();
                n++;
                if (row == null || row.size() != columns.size()) {
                    throw new BlockException("row " + n + " has " + (row == null ? 0 : row.size()) + " values, expected "
                            + columns.size() + " " + columns.stream().map(Column::name).toList());
                }
                if (partIndex >= 0 && !Objects.equals(expected, row.get(partIndex) == null ? null : String.valueOf(row.get(partIndex)))) {
                    throw new BlockException("row " + n + " has " + partCol + " = " + row.get(partIndex)
                            + ", outside the partition " + partCol + " = " + partValue + " being replaced");
                }
                return row;
            }
        };
    }

    /*
     * PostgreSQL: the data module's binary COPY, typed by the table as it is in the catalog (an existing table
     * may differ from the declared columns), in batches of BATCH rows; a value that does not convert names its row.
     */
    private long copy(Connection c, Iterator<? extends List<?>> rows) throws SQLException, IOException {
        Schema schema;
        try {
            schema = PostgresSql.describe(c, table, columns.stream().map(Column::name).toList());
        } catch (IllegalArgumentException e) {
            throw new BlockException(e.getMessage(), e);
        }
        RowBatch batch = new RowBatch(schema, BATCH);
        long n = 0;
        try (PostgresCopySink sink = new PostgresCopySink(c, table, schema)) {
            while (rows.hasNext()) {
                List<?> row = rows.next();
                n++;
                int r = batch.beginRow(n);
                for (int col = 0; col < row.size(); col++) {
                    try {
                        batch.setValue(col, r, row.get(col));
                    } catch (IllegalArgumentException e) {
                        throw new BlockException("row " + n + ": " + e.getMessage(), e);
                    }
                }
                batch.commitRow();
                if (batch.isFull()) {
                    sink.write(batch);
                    batch.clear();
                }
            }
            if (batch.size() > 0) sink.write(batch);
            sink.commit();
            return sink.rows();
        }
    }

    private long insert(Connection c, Iterator<? extends List<?>> rows) throws SQLException {
        String cols = columns.stream().map(col -> SqlIdentifiers.quote(col.name(), "column name")).collect(Collectors.joining(", "));
        String marks = columns.stream().map(col -> "?").collect(Collectors.joining(", "));
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + quotedTable + " (" + cols + ") VALUES (" + marks + ")")) {
            while (rows.hasNext()) {
                List<?> row = rows.next();
                for (int i = 0; i < row.size(); i++) ps.setObject(i + 1, row.get(i));
                ps.addBatch();
                if (++n % BATCH == 0) ps.executeBatch();
            }
            ps.executeBatch();
        }
        return n;
    }
}
