package io.flowcore.examples.taxi.data;

import io.flowcore.data.BatchSink;
import io.flowcore.data.CsvGzBatchWriter;
import io.flowcore.data.ParquetBatchWriter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.RowBatch;
import java.io.IOException;
import java.nio.file.Path;

/** Writes generated months to files: the course's CSV.gz backups and the TLC's Parquet files. */
public final class MonthFiles {
    private static final int BATCH_ROWS = 8192;

    private MonthFiles() {
    }

    /** Generates {@code month} into {@code target} as CSV.gz; returns the number of rows written. */
    public static long writeCsvGz(MonthSpec month, GeneratorOptions options, Path target) throws IOException {
        TripGenerator gen = new TripGenerator(month, options);
        try (CsvGzBatchWriter out = new CsvGzBatchWriter(target, gen.schema())) {
            return copy(gen, out);
        }
    }

    /** Generates {@code month} into {@code target} as Parquet; returns the number of rows written. */
    public static long writeParquet(MonthSpec month, GeneratorOptions options, Path target, ParquetOptions parquet)
            throws IOException {
        TripGenerator gen = new TripGenerator(month, options);
        try (ParquetBatchWriter out = new ParquetBatchWriter(target, gen.schema(), parquet)) {
            return copy(gen, out);
        }
    }

    private static long copy(TripGenerator gen, BatchSink out) throws IOException {
        RowBatch batch = gen.newBatch(BATCH_ROWS);
        long n = 0;
        while (gen.fill(batch)) {
            out.write(batch);
            n += batch.size();
        }
        out.commit();
        return n;
    }
}
