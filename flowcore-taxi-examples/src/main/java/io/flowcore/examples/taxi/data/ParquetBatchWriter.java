package io.flowcore.examples.taxi.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes rows to a Parquet file with parquet-java, in the batch schema's types (timestamps as
 * {@code TIMESTAMP(MICROS, false)}), compressed, one row group per {@link ParquetOptions#rowGroupBytes()}.
 * Output goes to a temporary file beside the target; {@link #commit()} moves it into place.
 */
public final class ParquetBatchWriter implements BatchSink {
    private final Path target;
    private final Path temp;
    private final ParquetWriter<RowRef> writer;
    private final RowRef ref = new RowRef();
    private boolean committed;
    private boolean closed;

    /** Opens {@code target} for rows of {@code schema}. */
    public ParquetBatchWriter(Path target, TaxiSchema schema, ParquetOptions options) throws IOException {
        this(target, schema, options, Map.of());
    }

    /** Opens {@code target} for rows of {@code schema}, adding {@code metadata} to the file footer. */
    public ParquetBatchWriter(Path target, TaxiSchema schema, ParquetOptions options, Map<String, String> metadata)
            throws IOException {
        this.target = target;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".tmp");
        this.writer = new Builder(new LocalOutputFile(temp), schema, metadata)
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(options.codec())
                .withRowGroupSize(options.rowGroupBytes())
                .withPageSize(options.pageBytes())
                .withDictionaryPageSize(options.pageBytes())
                .withPageWriteChecksumEnabled(false)
                .build();
    }

    @Override
    public void write(RowBatch batch) throws IOException {
        ref.batch = batch;
        for (int r = 0; r < batch.size(); r++) {
            ref.row = r;
            writer.write(ref);
        }
        ref.batch = null;
    }

    @Override
    public void commit() throws IOException {
        closed = true;
        writer.close();
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (committed) return;
        try {
            if (!closed) writer.close();
        } finally {
            closed = true;
            Files.deleteIfExists(temp);
        }
    }

    /** The row being written: a batch and an index, reused for every row. */
    static final class RowRef {
        RowBatch batch;
        int row;
    }

    private static final class Builder extends ParquetWriter.Builder<RowRef, Builder> {
        private final TaxiSchema schema;
        private final Map<String, String> metadata;

        Builder(OutputFile file, TaxiSchema schema, Map<String, String> metadata) {
            super(file);
            this.schema = schema;
            this.metadata = metadata;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<RowRef> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new RowWriteSupport(schema, metadata);
        }

        @Override
        protected WriteSupport<RowRef> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport(schema, metadata);
        }
    }

    /** Emits one row's non-null cells to parquet-java's record consumer, by precomputed column kind. */
    private static final class RowWriteSupport extends WriteSupport<RowRef> {
        private static final int INT32 = 0, INT64 = 1, DOUBLE = 2, TEXT = 3;
        private final TaxiSchema schema;
        private final Map<String, String> metadata;
        private final int[] kinds;
        private final String[] names;
        private final Map<String, Binary> texts = new HashMap<>();
        private RecordConsumer consumer;

        RowWriteSupport(TaxiSchema schema, Map<String, String> metadata) {
            this.schema = schema;
            this.metadata = metadata;
            kinds = new int[schema.size()];
            names = new String[schema.size()];
            for (int c = 0; c < kinds.length; c++) {
                names[c] = schema.column(c).name();
                kinds[c] = switch (schema.column(c).type()) {
                    case ColumnType.Int32 t -> INT32;
                    case ColumnType.Int64 t -> INT64;
                    case ColumnType.Timestamp t -> INT64;
                    case ColumnType.Float64 t -> DOUBLE;
                    case ColumnType.Text t -> TEXT;
                };
            }
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema.parquetSchema(), metadata);
        }

        @Override
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            return new WriteContext(schema.parquetSchema(), metadata);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(RowRef ref) {
            RowBatch b = ref.batch;
            int r = ref.row;
            RecordConsumer rc = consumer;
            rc.startMessage();
            for (int c = 0; c < kinds.length; c++) {
                if (b.isNull(c, r)) continue;
                rc.startField(names[c], c);
                switch (kinds[c]) {
                    case INT32 -> rc.addInteger((int) b.getLong(c, r));
                    case INT64 -> rc.addLong(b.getLong(c, r));
                    case DOUBLE -> rc.addDouble(b.getDouble(c, r));
                    default -> rc.addBinary(binary(b.getText(c, r)));
                }
                rc.endField(names[c], c);
            }
            rc.endMessage();
        }

        /** Trip files repeat few distinct strings (flags, base numbers): encode each once. */
        private Binary binary(String s) {
            Binary bin = texts.get(s);
            if (bin == null) {
                bin = Binary.fromConstantByteArray(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (texts.size() < 4096) texts.put(s, bin);
            }
            return bin;
        }
    }
}
