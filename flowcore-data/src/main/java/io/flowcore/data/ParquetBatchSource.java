package io.flowcore.data;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Reads a Parquet file with parquet-java straight into batches of the target schema.
 * The footer's schema is compared with the target one before any row is read:
 *   same type                       -> as is
 *   INT32 -> INT64, INT -> DOUBLE   -> widened (logged)
 *   DOUBLE/FLOAT -> INT64           -> mapped value by value when whole (logged), refused on 1.5
 *   TIMESTAMP(MILLIS|NANOS)         -> converted to MICROS (logged)
 *   DECIMAL(p,s) (INT32, INT64, FIXED, BINARY) -> DECIMAL with scale >= s: rescaled exactly, each value
 *                                      checked against the target precision; -> DOUBLE: the value
 *                                      (never the unscaled integer); -> INT64 when s = 0
 *   INT32/INT64 -> DECIMAL           -> scaled, each value checked; DATE -> DATE; BOOLEAN -> BOOLEAN
 *   column absent                   -> NULL (logged); extra column -> dropped (logged)
 *   anything else (text <-> number, INT96, number -> timestamp) -> SchemaDriftException at once
 * A damaged or cut-short file (unreadable footer, column chunks outside the file, undecodable pages)
 * is refused with an IOException naming the file; parquet-java's unchecked errors are wrapped so.
 */
final class ParquetBatchSource implements BatchSource {
    private static final Logger log = LoggerFactory.getLogger(ParquetBatchSource.class);

    private final String fileName;
    private final Schema schema;
    private final List<SchemaChange> changes = new ArrayList<>();
    private final ParquetFileReader reader;
    private final MessageType fileSchema;
    private final RowMaterializer materializer;
    private RecordReader<Boolean> rowGroup;
    private long rowGroupLeft;
    private long rowsRead;
    private boolean exhausted;

    ParquetBatchSource(Path file, Schema schema) throws IOException {
        this.fileName = file.getFileName().toString();
        this.schema = schema;
        try {
            this.reader = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build());
        } catch (IOException | RuntimeException e) { // parquet-java reports a damaged footer either way
            throw damaged("its footer", e);
        }
        try {
            checkChunksLieInside(java.nio.file.Files.size(file));
            this.fileSchema = reader.getFooter().getFileMetaData().getSchema();
            this.materializer = new RowMaterializer(plan(fileSchema), fileSchema);
        } catch (SchemaDriftException | IOException e) {
            reader.close();
            throw e;
        } catch (RuntimeException e) {
            reader.close();
            throw damaged("its schema", e);
        }
    }

    /* A damaged footer can claim column chunks beyond the file, which parquet-java would try to allocate. */
    private void checkChunksLieInside(long fileSize) throws IOException {
        for (BlockMetaData rowGroup : reader.getFooter().getBlocks()) {
            if (rowGroup.getRowCount() < 0) throw damaged("a row group with " + rowGroup.getRowCount() + " rows", null);
            for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
                long start = chunk.getStartingPos(), size = chunk.getTotalSize();
                if (start < 4 || size < 0 || start + size > fileSize - 8) {
                    throw damaged("a column chunk at bytes " + start + ".." + (start + size) + " of " + fileSize, null);
                }
            }
        }
    }

    private IOException damaged(String where, Exception cause) {
        return new IOException(fileName + " is not a readable Parquet file: " + where + (cause == null ? "" : " (" + cause + ")")
                + " is damaged or cut short; if it was downloaded, download it again", cause);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<SchemaChange> changes() {
        return List.copyOf(changes);
    }

    @Override
    public long rowsRead() {
        return rowsRead;
    }

    @Override
    public boolean next(RowBatch batch) throws IOException {
        try {
            return fill(batch);
        } catch (SchemaDriftException e) {
            throw e;
        } catch (IOException | RuntimeException e) { // parquet-java: ParquetDecodingException, also NPE and others on damaged pages
            throw damaged("row " + (rowsRead + 1), e);
        } catch (NoClassDefFoundError e) { // a codec whose library is not on the classpath, e.g. LZ4 without lz4-java
            throw new IOException(fileName + " cannot be read at row " + (rowsRead + 1) + ": its pages are compressed with "
                    + "a codec whose library is not on the classpath (" + e.getMessage() + "); write it with snappy, gzip "
                    + "or no compression, or the file is damaged", e);
        }
    }

    private boolean fill(RowBatch batch) throws IOException {
        batch.clear();
        materializer.batch = batch;
        while (!exhausted && !batch.isFull()) {
            if (rowGroupLeft == 0) {
                PageReadStore pages = reader.readNextRowGroup();
                if (pages == null) {
                    exhausted = true;
                    break;
                }
                rowGroupLeft = pages.getRowCount();
                rowGroup = new ColumnIOFactory().getColumnIO(fileSchema).getRecordReader(pages, materializer);
                continue;
            }
            materializer.rowNumber = rowsRead + 1;
            rowGroup.read();
            rowGroupLeft--;
            rowsRead++;
        }
        return batch.size() > 0;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** How one file field maps: target column and conversion. */
    private enum Conv { SKIP, LONG, INT_TO_DOUBLE, DOUBLE, DOUBLE_TO_LONG, TEXT, MILLIS, MICROS, NANOS, BOOLEAN, DECIMAL, DECIMAL_TO_DOUBLE }

    private Conv[] plan(MessageType fileSchema) {
        Conv[] plan = new Conv[fileSchema.getFieldCount()];
        boolean[] seen = new boolean[schema.size()];
        for (int f = 0; f < plan.length; f++) {
            Type field = fileSchema.getType(f);
            int c = schema.indexOf(field.getName());
            if (c < 0 || !field.isPrimitive() || seen[c]) {
                plan[f] = Conv.SKIP;
                note(new SchemaChange(field.getName(), "extra column", "dropped"));
                continue;
            }
            seen[c] = true;
            Column col = schema.column(c);
            String from = typeName(field.asPrimitiveType());
            String to = col.type().displayName();
            plan[f] = conversion(field.asPrimitiveType(), col.type());
            if (plan[f] == null) {
                throw new SchemaDriftException(fileName, col.name(), from, to, "there is no safe conversion between them");
            }
            if (!from.equals(to)) note(new SchemaChange(col.name(), from, to));
        }
        for (int c = 0; c < seen.length; c++) {
            if (!seen[c]) note(new SchemaChange(schema.column(c).name(), "absent", "NULL " + schema.column(c).type().displayName()));
        }
        return plan;
    }

    private void note(SchemaChange change) {
        changes.add(change);
        log.info("{}: {}", fileName, change);
    }

    private static Conv conversion(PrimitiveType p, ColumnType to) {
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        boolean ts = logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
        boolean string = logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation;
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec) {
            // the stored integer is unscaled: never read it as the value itself
            return switch (to) {
                case ColumnType.Decimal d -> dec.getScale() <= d.scale() ? Conv.DECIMAL : null; // fewer places would round
                case ColumnType.Float64 t -> Conv.DECIMAL_TO_DOUBLE;
                case ColumnType.Int64 t -> dec.getScale() == 0 ? Conv.DECIMAL : null;
                default -> null;
            };
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return to instanceof ColumnType.Date ? Conv.LONG : null;
        }
        if (logical != null && !ts && !string && !(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
            return null; // TIME, JSON, UUID, ...: no safe mapping
        }
        if (to instanceof ColumnType.Decimal) {
            return p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32
                    || p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64 && !ts ? Conv.DECIMAL : null;
        }
        return switch (p.getPrimitiveTypeName()) {
            case INT32 -> switch (to) {
                case ColumnType.Int64 t -> Conv.LONG;
                case ColumnType.Int32 t -> Conv.LONG;
                case ColumnType.Float64 t -> Conv.INT_TO_DOUBLE;
                default -> null;
            };
            case INT64 -> {
                if (ts) {
                    if (!(to instanceof ColumnType.Timestamp)) yield null;
                    yield switch (((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) logical).getUnit()) {
                        case MILLIS -> Conv.MILLIS;
                        case MICROS -> Conv.MICROS;
                        case NANOS -> Conv.NANOS;
                    };
                }
                yield switch (to) {
                    case ColumnType.Int64 t -> Conv.LONG;
                    case ColumnType.Float64 t -> Conv.INT_TO_DOUBLE;
                    default -> null;
                };
            }
            case DOUBLE, FLOAT -> switch (to) {
                case ColumnType.Float64 t -> Conv.DOUBLE;
                case ColumnType.Int64 t -> Conv.DOUBLE_TO_LONG;
                default -> null;
            };
            case BINARY -> string && to instanceof ColumnType.Text ? Conv.TEXT : null;
            case BOOLEAN -> to instanceof ColumnType.Bool ? Conv.BOOLEAN : null;
            default -> null; // INT96, FIXED_LEN_BYTE_ARRAY without DECIMAL
        };
    }

    private static String typeName(PrimitiveType p) {
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
            return t.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS ? "TIMESTAMP" : "TIMESTAMP(" + t.getUnit() + ")";
        }
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) return "TEXT";
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) return "DATE";
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
            return "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
        }
        return p.getPrimitiveTypeName().name();
    }

    /* Fills the current batch row by row; one converter per file field. */
    private final class RowMaterializer extends RecordMaterializer<Boolean> {
        RowBatch batch;
        long rowNumber;
        private int row;
        private final GroupConverter root;

        RowMaterializer(Conv[] plan, MessageType fileSchema) {
            Converter[] fields = new Converter[plan.length];
            for (int f = 0; f < plan.length; f++) {
                String name = fileSchema.getType(f).getName();
                fields[f] = new FieldConverter(plan[f], plan[f] == Conv.SKIP ? -1 : schema.indexOf(name), fileSchema.getType(f));
            }
            root = new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return fields[fieldIndex];
                }

                @Override
                public void start() {
                    row = batch.beginRow(rowNumber);
                }

                @Override
                public void end() {
                    batch.commitRow();
                }
            };
        }

        @Override
        public Boolean getCurrentRecord() {
            return Boolean.TRUE;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }

        private final class FieldConverter extends PrimitiveConverter {
            private final Conv conv;
            private final int col;
            private final int fileScale;          // DECIMAL in the file: its scale, else 0
            private final ColumnType.Decimal decimal; // DECIMAL target, else null
            private final BigInteger multiplier;  // 10^(target scale - file scale)
            private final String fileType;

            FieldConverter(Conv conv, int col, Type field) {
                this.conv = conv;
                this.col = col;
                this.fileScale = field.isPrimitive() && field.getLogicalTypeAnnotation()
                        instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d ? d.getScale() : 0;
                this.decimal = col >= 0 && schema.column(col).type() instanceof ColumnType.Decimal d ? d : null;
                this.multiplier = BigInteger.TEN.pow(decimal == null ? 0 : decimal.scale() - fileScale);
                this.fileType = field.isPrimitive() ? typeName(field.asPrimitiveType()) : field.getName();
            }

            @Override
            public void addInt(int value) {
                addLong(value);
            }

            @Override
            public void addBoolean(boolean value) {
                if (conv == Conv.BOOLEAN) batch.setLong(col, row, value ? 1 : 0);
            }

            /* A DECIMAL's unscaled value (or an integer's) onto the target: rescaled exactly, range-checked. */
            private void decimal(BigInteger unscaled) {
                if (conv == Conv.DECIMAL_TO_DOUBLE) {
                    batch.setDouble(col, row, new BigDecimal(unscaled, fileScale).doubleValue());
                    return;
                }
                BigInteger v = unscaled.multiply(multiplier);
                if (v.bitLength() > 63 || decimal != null && !decimal.fits(v.longValue())) {
                    ColumnType to = schema.column(col).type();
                    throw new SchemaDriftException(fileName, schema.column(col).name(), fileType, to.displayName(),
                            "row " + rowNumber + " has "
                            + new BigDecimal(unscaled, fileScale).toPlainString() + ", which does not fit");
                }
                batch.setLong(col, row, v.longValue());
            }

            @Override
            public void addLong(long v) {
                if (conv == Conv.DECIMAL || conv == Conv.DECIMAL_TO_DOUBLE) {
                    decimal(BigInteger.valueOf(v));
                    return;
                }
                switch (conv) {
                    case LONG, MICROS -> batch.setLong(col, row, v);
                    case INT_TO_DOUBLE -> batch.setDouble(col, row, v);
                    case MILLIS -> batch.setLong(col, row, v * 1000);
                    case NANOS -> batch.setLong(col, row, Math.floorDiv(v, 1000));
                    default -> { }
                }
            }

            @Override
            public void addFloat(float value) {
                addDouble(value);
            }

            @Override
            public void addDouble(double v) {
                if (conv == Conv.DOUBLE) {
                    batch.setDouble(col, row, v);
                } else if (conv == Conv.DOUBLE_TO_LONG) {
                    if (v != Math.rint(v) || Math.abs(v) > 9.007199254740992E15) {
                        throw new SchemaDriftException(fileName, schema.column(col).name(), "DOUBLE",
                                schema.column(col).type().displayName(), "row " + rowNumber + " has " + v
                                + ", which is not a whole number");
                    }
                    batch.setLong(col, row, (long) v);
                }
            }

            @Override
            public void addBinary(Binary value) {
                if (conv == Conv.DECIMAL || conv == Conv.DECIMAL_TO_DOUBLE) { // FIXED_LEN_BYTE_ARRAY / BINARY: big-endian two's complement
                    decimal(new BigInteger(value.getBytes()));
                    return;
                }
                if (conv == Conv.TEXT) {
                    byte[] b = value.getBytesUnsafe();
                    batch.setText(col, row, b.length == 1 && b[0] == 'N' ? "N" : b.length == 1 && b[0] == 'Y' ? "Y"
                            : new String(b, StandardCharsets.UTF_8));
                }
            }
        }
    }
}
