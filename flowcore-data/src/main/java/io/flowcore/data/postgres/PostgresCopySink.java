package io.flowcore.data.postgres;

import io.flowcore.data.BatchSink;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams batches into a PostgreSQL table with {@code COPY table (cols) FROM STDIN (FORMAT binary)}
 * through pgjdbc's {@code CopyManager}, encoding the binary format itself. The COPY runs in the
 * connection's current transaction: {@link #commit()} ends the COPY (the caller commits the
 * transaction); {@link #close()} without commit cancels it, so no row of a failed load lands.
 */
public final class PostgresCopySink implements BatchSink {
    private final CopyIn copy;
    private final PgBinaryCopyEncoder encoder;
    private final PgBinaryCopyEncoder.Output out;
    private long rows;
    private boolean done;

    /**
     * Starts a COPY into {@code table} (which must exist with the columns of {@code schema}).
     *
     * @param table {@code table} or {@code schema.table}, validated and quoted by {@link SqlIdentifiers}
     * @throws IllegalArgumentException naming the table or column whose name is not allowed
     * @throws IOException wrapping the SQL error, naming the table
     */
    public PostgresCopySink(Connection connection, String table, Schema schema) throws IOException {
        String sql = "COPY " + SqlIdentifiers.quoteQualified(table, "table name") + " " + PostgresSql.columnList(schema)
                + " FROM STDIN (FORMAT binary)";
        try {
            this.copy = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(sql);
        } catch (SQLException e) {
            throw new IOException("cannot start COPY into " + table + ": " + e.getMessage(), e);
        }
        this.encoder = new PgBinaryCopyEncoder(schema);
        this.out = (b, off, len) -> {
            try {
                copy.writeToCopy(b, off, len);
            } catch (SQLException e) {
                throw new IOException("COPY into " + table + " failed: " + e.getMessage(), e);
            }
        };
        encoder.header();
    }

    @Override
    public void write(RowBatch batch) throws IOException {
        encoder.encode(batch, out);
        rows += batch.size();
    }

    /** Rows sent so far. */
    public long rows() {
        return rows;
    }

    @Override
    public void commit() throws IOException {
        encoder.trailer();
        encoder.drainTo(out);
        try {
            long n = copy.endCopy();
            done = true;
            if (n != rows) throw new IOException("PostgreSQL stored " + n + " rows of the " + rows + " sent");
        } catch (SQLException e) {
            throw new IOException("COPY failed at the end: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (done) return;
        done = true;
        try {
            if (copy.isActive()) copy.cancelCopy();
        } catch (SQLException e) {
            throw new IOException("cannot cancel COPY: " + e.getMessage(), e);
        }
    }
}
