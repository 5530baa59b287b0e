package io.flowcore.data;

import java.io.IOException;
import java.util.List;

/* Reads a source file batch by batch into the target schema (package-private: FileConverter's). */
interface BatchSource extends AutoCloseable {
    /** The target schema the batches follow. */
    Schema schema();

    /** How the file's columns were mapped; complete once the source is exhausted. */
    List<SchemaChange> changes();

    /** Clears {@code batch} and fills it; false when the file is exhausted (the batch is then empty). */
    boolean next(RowBatch batch) throws IOException;

    /** Data rows read so far, rejected ones included. */
    long rowsRead();

    @Override
    void close() throws IOException;
}
