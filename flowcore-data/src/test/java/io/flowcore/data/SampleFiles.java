package io.flowcore.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/* Small deterministic trip-like files for the data module's own tests (the taxi generator lives above this module). */
final class SampleFiles {
    static final Schema SCHEMA = Schema.of("trips",
            new Column("VendorID", ColumnType.INT64),
            new Column("pickup_datetime", ColumnType.TIMESTAMP),
            new Column("passenger_count", ColumnType.INT64),
            new Column("trip_distance", ColumnType.DOUBLE),
            new Column("store_and_fwd_flag", ColumnType.TEXT),
            new Column("fare_amount", ColumnType.DOUBLE),
            new Column("base_num", ColumnType.TEXT));

    private SampleFiles() {
    }

    static void writeCsvGz(Path target, int rows) throws IOException {
        try (CsvGzBatchWriter out = new CsvGzBatchWriter(target, SCHEMA)) {
            write(out, rows);
            out.commit();
        }
    }

    static void writeParquet(Path target, int rows, ParquetOptions options) throws IOException {
        try (ParquetBatchWriter out = new ParquetBatchWriter(target, SCHEMA, options)) {
            write(out, rows);
            out.commit();
        }
    }

    private static void write(BatchSink out, int rows) throws IOException {
        SplittableRandom rnd = new SplittableRandom(rows);
        RowBatch b = new RowBatch(SCHEMA, 256);
        long start = TimestampCodec.parse("2021-01-01 00:00:00");
        for (int i = 0; i < rows; i++) {
            int r = b.beginRow(i + 2);
            if (i % 17 != 5) b.setLong(0, r, 1 + rnd.nextInt(2));
            b.setLong(1, r, start + rnd.nextLong(31L * 86_400) * 1_000_000L);
            if (i % 11 != 3) b.setLong(2, r, rnd.nextInt(7));
            b.setDouble(3, r, rnd.nextInt(5000) / 100.0);
            b.setText(4, r, rnd.nextInt(20) == 0 ? "Y" : "N");
            b.setDouble(5, r, rnd.nextInt(10000) / 100.0);
            if (i % 7 != 0) b.setText(6, r, "B0" + (2500 + rnd.nextInt(200)));
            b.commitRow();
            if (b.isFull()) {
                out.write(b);
                b.clear();
            }
        }
        if (b.size() > 0) out.write(b);
    }
}
