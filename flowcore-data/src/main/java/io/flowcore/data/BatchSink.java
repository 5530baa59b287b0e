package io.flowcore.data;

import java.io.IOException;

/**
 * Where typed rows go: a Parquet file, a CSV.gz file, a PostgreSQL table. Batches arrive in order,
 * from one thread. Nothing written becomes visible before {@link #commit()}; {@link #close()} without
 * a commit discards it (a failed month leaves the previous output in place).
 */
public interface BatchSink extends AutoCloseable {

    /** Writes the rows of {@code batch}; the batch may be reused by the caller once this returns. */
    void write(RowBatch batch) throws IOException;

    /** Finishes the output and makes it visible. */
    void commit() throws IOException;

    /** Releases resources; discards the output unless committed. */
    @Override
    void close() throws IOException;
}
