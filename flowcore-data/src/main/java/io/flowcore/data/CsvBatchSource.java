package io.flowcore.data;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.RecordType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Reads a TLC CSV (.csv or .csv.gz) with FastCSV's callback API: fields arrive as slices of the
 * parser's char buffer and are parsed straight into the batch, so no String is made per field.
 * A byte-order mark at the start is skipped. Header names are matched to the target columns ignoring case; missing columns become nulls,
 * extra ones are dropped, both logged as schema changes. A decimal in an integer column is mapped
 * when whole ("1.0" → 1, logged once as DOUBLE → INT64) and refused when not (1.5 passengers).
 * Unparseable values and wrong field counts make the row a reject (file, line, reason, fields).
 * Empty lines are skipped (neither header nor row). Broken quoting (a quote left open, text after
 * a closing quote) and an unreadable file end the read with an exception naming the file: every
 * record is either a row or a reject, none is lost silently (CsvBatchSourceFuzzTests checks this).
 */
final class CsvBatchSource implements BatchSource {
    private static final Logger log = LoggerFactory.getLogger(CsvBatchSource.class);
    private static final int KIND_SKIP = -1, KIND_LONG = 0, KIND_DOUBLE = 1, KIND_TIMESTAMP = 2, KIND_TEXT = 3,
            KIND_DATE = 4, KIND_BOOLEAN = 5, KIND_DECIMAL = 6;

    private final String fileName;
    private final Schema schema;
    private final RejectsFile rejects;
    private final CsvReader<Boolean> reader;
    private final Iterator<Boolean> records;
    private final Handler handler = new Handler();
    private final Set<SchemaChange> changes = new LinkedHashSet<>();
    private int[] target; // file field -> target column, -1 = dropped
    private int[] kinds;  // file field -> KIND_*
    private int headerFields;
    private long rowsRead;

    CsvBatchSource(Path file, Schema schema, RejectsFile rejects) throws IOException {
        this.fileName = file.getFileName().toString();
        this.schema = schema;
        this.rejects = rejects;
        InputStream in = Files.newInputStream(file);
        try {
            if (fileName.endsWith(".gz")) in = new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) {
            in.close();
            throw new IOException(fileName + " is not a readable gzip file (" + e + "); download it again", e);
        }
        // detectBomHeader: a UTF-8 BOM (as Excel writes) would otherwise glue itself to the first header name.
        // allowUnclosedQuote(false): a stray quote would otherwise swallow the rest of the file into one field.
        this.reader = CsvReader.builder().allowExtraFields(true).allowMissingFields(true).skipEmptyLines(true)
                .detectBomHeader(true).allowUnclosedQuote(false).build(handler, in, StandardCharsets.UTF_8);
        this.records = reader.iterator();
        try {
            if (!advance()) throw new IOException(fileName + " is empty: expected a header line");
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /* Reads one record; false at the end. Names the file in every error: FastCSV's own messages do not. */
    private boolean advance() throws IOException {
        try {
            if (!records.hasNext()) return false;
            records.next();
            return true;
        } catch (CsvParseException e) { // FastCSV wraps what the handler throws
            if (e.getCause() instanceof SchemaDriftException drift) throw drift;
            if (e.getCause() instanceof UncheckedIOException io) throw io; // the rejects file could not be written
            throw new IllegalStateException(fileName + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) { // reading: a gzip stream cut short, a disk error
            IOException cause = e.getCause();
            throw new IOException(fileName + " cannot be read to its end (" + cause + "); if it was downloaded, "
                    + "the copy is damaged: download it again", cause);
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<SchemaChange> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    @Override
    public long rowsRead() {
        return rowsRead;
    }

    @Override
    public boolean next(RowBatch batch) throws IOException {
        batch.clear();
        handler.batch = batch;
        while (!batch.isFull() && advance()) {
            // one record per call: the handler fills the batch
        }
        return batch.size() > 0;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private void readHeader(List<String> names) {
        headerFields = names.size();
        target = new int[names.size()];
        kinds = new int[names.size()];
        boolean[] seen = new boolean[schema.size()];
        for (int f = 0; f < names.size(); f++) {
            int c = schema.indexOf(names.get(f).strip());
            target[f] = c;
            if (c < 0 || seen[c]) {
                target[f] = -1;
                kinds[f] = KIND_SKIP;
                addChange(new SchemaChange(names.get(f), "extra column", "dropped"));
                continue;
            }
            seen[c] = true;
            kinds[f] = switch (schema.column(c).type()) {
                case ColumnType.Int32 t -> KIND_LONG;
                case ColumnType.Int64 t -> KIND_LONG;
                case ColumnType.Float64 t -> KIND_DOUBLE;
                case ColumnType.Timestamp t -> KIND_TIMESTAMP;
                case ColumnType.Text t -> KIND_TEXT;
                case ColumnType.Date t -> KIND_DATE;
                case ColumnType.Bool t -> KIND_BOOLEAN;
                case ColumnType.Decimal t -> KIND_DECIMAL;
            };
        }
        for (int c = 0; c < seen.length; c++) {
            if (!seen[c]) addChange(new SchemaChange(schema.column(c).name(), "absent", "NULL " + schema.column(c).type().displayName()));
        }
    }

    private void addChange(SchemaChange change) {
        synchronized (changes) {
            if (changes.add(change)) log.info("{}: {}", fileName, change);
        }
    }

    /* The FastCSV callback: one instance, fed field by field; state is per record. */
    private final class Handler extends AbstractBaseCsvCallbackHandler<Boolean> {
        private final NumberText num = new NumberText();
        private final boolean[] doubleSeen = new boolean[64];
        private final List<String> headerNames = new ArrayList<>();
        private char[] line = new char[512];
        private int lineLen;
        private RowBatch batch;
        private int row;
        private long lineNumber;
        private String badReason;

        @Override
        protected void handleBegin(long startingLineNumber) {
            lineNumber = startingLineNumber;
            lineLen = 0;
            badReason = null;
            if (target != null) row = batch.beginRow(startingLineNumber);
        }

        @Override
        protected void handleField(int idx, char[] buf, int off, int len, boolean quoted) {
            keepForRejects(idx, buf, off, len);
            if (target == null) {
                headerNames.add(new String(buf, off, len));
                return;
            }
            if (badReason != null || len == 0 || idx >= kinds.length) return;
            int c = target[idx];
            switch (kinds[idx]) {
                case KIND_LONG -> {
                    if (num.parseLong(buf, off, len)) {
                        batch.setLong(c, row, num.longValue);
                    } else if (num.parseNumber(buf, off, len)) {
                        double v = num.doubleValue;
                        if (v != Math.rint(v) || Math.abs(v) > 9.007199254740992E15) {
                            throw new SchemaDriftException(fileName, schema.column(c).name(), "DOUBLE",
                                    schema.column(c).type().displayName(), "line " + lineNumber + " has "
                                    + new String(buf, off, len) + ", which is not a whole number");
                        }
                        if (!doubleSeen[c]) {
                            doubleSeen[c] = true;
                            addChange(new SchemaChange(schema.column(c).name(), "DOUBLE", schema.column(c).type().displayName()));
                        }
                        batch.setLong(c, row, (long) v);
                    } else {
                        bad(c, "not a number", buf, off, len);
                    }
                }
                case KIND_DOUBLE -> {
                    if (num.parseNumber(buf, off, len)) batch.setDouble(c, row, num.doubleValue);
                    else bad(c, "not a number", buf, off, len);
                }
                case KIND_TIMESTAMP -> {
                    long micros = TimestampCodec.parse(buf, off, len);
                    if (micros != TimestampCodec.INVALID) batch.setLong(c, row, micros);
                    else bad(c, "unparseable timestamp", buf, off, len);
                }
                case KIND_TEXT -> batch.setText(c, row, text(buf, off, len));
                case KIND_DATE -> {
                    long micros = len == 10 ? TimestampCodec.parse(buf, off, len) : TimestampCodec.INVALID;
                    if (micros != TimestampCodec.INVALID) batch.setLong(c, row, micros / TimestampCodec.MICROS_PER_DAY);
                    else bad(c, "not a date (yyyy-MM-dd)", buf, off, len);
                }
                case KIND_BOOLEAN -> {
                    int v = bool(buf, off, len);
                    if (v >= 0) batch.setLong(c, row, v);
                    else bad(c, "not a boolean (true/false, t/f, 1/0)", buf, off, len);
                }
                case KIND_DECIMAL -> {
                    ColumnType.Decimal d = (ColumnType.Decimal) schema.column(c).type();
                    if (num.parseDecimal(buf, off, len, d.precision(), d.scale())) batch.setLong(c, row, num.longValue);
                    else bad(c, "not a " + d.displayName(), buf, off, len);
                }
                default -> { } // a dropped extra column
            }
        }

        private void bad(int c, String what, char[] buf, int off, int len) {
            badReason = schema.column(c).name() + ": " + what + " '" + new String(buf, off, len) + "'";
        }

        /* 1 for true, 0 for false, -1 for neither. */
        private static int bool(char[] buf, int off, int len) {
            String s = new String(buf, off, len).toLowerCase(java.util.Locale.ROOT);
            return switch (s) {
                case "true", "t", "1" -> 1;
                case "false", "f", "0" -> 0;
                default -> -1;
            };
        }

        private String text(char[] buf, int off, int len) {
            if (len == 1) { // store_and_fwd_flag: avoid a String per row
                if (buf[off] == 'N') return "N";
                if (buf[off] == 'Y') return "Y";
            }
            return new String(buf, off, len);
        }

        private void keepForRejects(int idx, char[] buf, int off, int len) {
            int need = lineLen + len + 1;
            if (need > line.length) line = Arrays.copyOf(line, Math.max(need, line.length * 2));
            if (idx > 0) line[lineLen++] = ',';
            System.arraycopy(buf, off, line, lineLen, len);
            lineLen += len;
        }

        @Override
        protected Boolean buildRecord() {
            if (getRecordType() == RecordType.EMPTY) return Boolean.TRUE; // skipped by the reader: neither header nor row
            if (target == null) {
                readHeader(headerNames);
                return Boolean.TRUE;
            }
            rowsRead++;
            int fields = getFieldCount();
            if (badReason == null && fields != headerFields) {
                badReason = "expected " + headerFields + " fields, found " + fields;
            }
            if (badReason != null) {
                rejects.reject(fileName, lineNumber, badReason, new String(line, 0, lineLen));
            } else {
                batch.commitRow();
            }
            return Boolean.TRUE;
        }
    }
}
