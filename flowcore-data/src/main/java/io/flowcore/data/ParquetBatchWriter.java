package io.flowcore.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows to a Parquet file with parquet-java, in the batch schema's types (timestamps as
 * {@code TIMESTAMP(MICROS, false)}), compressed, one row group per {@link ParquetOptions#rowGroupBytes()}
 * (parquet-java buffers a row group in memory, so that bounds the heap). Output goes to a temporary
 * file beside the target; {@link #commit()} moves it into place.
 */
public final class ParquetBatchWriter implements BatchSink {
    /*
     * Design note: rows go straight to parquet-java's ColumnWriters (definition level 1 = value,
     * 0 = null; every column is optional and top-level, so repetition levels are 0), skipping the
     * record-consumer layer of ParquetWriter, which validates and tracks levels per field. Row
     * groups are cut the way parquet-java's InternalParquetRecordWriter cuts them: when the column
     * store's buffered size reaches the row-group size, the pages are flushed to the file writer.
     */
    private static final int INT32 = 0, INT64 = 1, DOUBLE = 2, TEXT = 3, BOOLEAN = 4;

    private final Path target;
    private final Path temp;
    private final MessageType parquetSchema;
    private final List<ColumnDescriptor> descriptors;
    private final int[] kinds;
    private final ParquetProperties props;
    private final long rowGroupBytes;
    private final Map<String, String> metadata;
    private final ParquetFileWriter file;
    private final CodecFactory codecs;
    private final BytesInputCompressor compressor;
    private final Map<String, Binary> texts = new HashMap<>();
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private ColumnWriter[] writers;
    private long rowsInGroup;
    private boolean committed;
    private boolean closed;

    /** Opens {@code target} for rows of {@code schema}. */
    public ParquetBatchWriter(Path target, Schema schema, ParquetOptions options) throws IOException {
        this(target, schema, options, Map.of());
    }

    /** Opens {@code target} for rows of {@code schema}, adding {@code metadata} to the file footer. */
    public ParquetBatchWriter(Path target, Schema schema, ParquetOptions options, Map<String, String> metadata)
            throws IOException {
        this.target = target;
        this.metadata = Map.copyOf(metadata);
        this.rowGroupBytes = options.rowGroupBytes();
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".tmp");
        this.parquetSchema = schema.parquetSchema();
        this.descriptors = parquetSchema.getColumns();
        this.kinds = new int[schema.size()];
        for (int c = 0; c < kinds.length; c++) {
            kinds[c] = switch (schema.column(c).type()) {
                case ColumnType.Int32 t -> INT32;
                case ColumnType.Int64 t -> INT64;
                case ColumnType.Timestamp t -> INT64;
                case ColumnType.Float64 t -> DOUBLE;
                case ColumnType.Text t -> TEXT;
                case ColumnType.Date t -> INT32;
                case ColumnType.Bool t -> BOOLEAN;
                case ColumnType.Decimal t -> t.precision() <= 9 ? INT32 : INT64;
            };
        }
        this.props = ParquetProperties.builder()
                .withPageSize(options.pageBytes())
                .withDictionaryPageSize(options.pageBytes())
                .withPageWriteChecksumEnabled(false)
                .build();
        this.file = new ParquetFileWriter(new LocalOutputFile(temp), parquetSchema, ParquetFileWriter.Mode.OVERWRITE,
                rowGroupBytes, 0, null, props);
        this.codecs = new CodecFactory(new PlainParquetConfiguration(), options.pageBytes());
        this.compressor = codecs.getCompressor(options.codec());
        file.start();
    }

    @Override
    public void write(RowBatch batch) throws IOException {
        if (store == null) startRowGroup();
        ColumnWriter[] w = writers;
        int cols = kinds.length;
        for (int r = 0; r < batch.size(); r++) {
            for (int c = 0; c < cols; c++) {
                if (batch.isNull(c, r)) {
                    w[c].writeNull(0, 0);
                    continue;
                }
                switch (kinds[c]) {
                    case INT32 -> w[c].write((int) batch.getLong(c, r), 0, 1);
                    case INT64 -> w[c].write(batch.getLong(c, r), 0, 1);
                    case DOUBLE -> w[c].write(batch.getDouble(c, r), 0, 1);
                    case BOOLEAN -> w[c].write(batch.getLong(c, r) != 0, 0, 1);
                    default -> w[c].write(binary(batch.getText(c, r)), 0, 1);
                }
            }
            store.endRecord();
        }
        rowsInGroup += batch.size();
        if (store.getBufferedSize() >= rowGroupBytes) flushRowGroup();
    }

    private void startRowGroup() {
        pages = new ColumnChunkPageWriteStore(compressor, parquetSchema, props.getAllocator(),
                props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
        store = props.newColumnWriteStore(parquetSchema, pages, pages);
        writers = new ColumnWriter[descriptors.size()];
        for (int c = 0; c < writers.length; c++) writers[c] = store.getColumnWriter(descriptors.get(c));
        rowsInGroup = 0;
    }

    private void flushRowGroup() throws IOException {
        if (store == null) return;
        if (rowsInGroup > 0) {
            file.startBlock(rowsInGroup);
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
        }
        store.close();
        pages.close();
        store = null;
        pages = null;
    }

    /** Trip files repeat few distinct strings (flags, base numbers): encode each once. */
    private Binary binary(String s) {
        Binary bin = texts.get(s);
        if (bin == null) {
            bin = Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
            if (texts.size() < 4096) texts.put(s, bin);
        }
        return bin;
    }

    @Override
    public void commit() throws IOException {
        flushRowGroup();
        file.end(metadata);
        closed = true;
        codecs.release();
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (committed) return;
        try {
            if (!closed) {
                closed = true;
                if (store != null) store.close();
                if (pages != null) pages.close();
                codecs.release();
                file.close();
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
