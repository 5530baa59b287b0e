package io.flowcore.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes rows as gzip-compressed CSV: a header of the schema's column names, timestamps as
 * {@code yyyy-MM-dd HH:mm:ss}, dates as {@code yyyy-MM-dd}, booleans as {@code true}/{@code false},
 * decimals in plain notation, empty fields for nulls, doubles as "12.5" / "1.0", text quoted when it
 * holds a comma, quote or line break.
 * Output goes to a temporary file that {@link #commit()} moves into place.
 */
public final class CsvGzBatchWriter implements BatchSink {
    private final Path target;
    private final Path temp;
    private final Schema schema;
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);
    private boolean committed;

    /** Opens {@code target} for rows of {@code schema} and writes the header. */
    public CsvGzBatchWriter(Path target, Schema schema) throws IOException {
        this.target = target;
        this.schema = schema;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".tmp");
        this.out = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(temp), 1 << 16), StandardCharsets.UTF_8), 1 << 16);
        for (int c = 0; c < schema.size(); c++) {
            if (c > 0) line.append(',');
            line.append(schema.column(c).name());
        }
        out.append(line).append('\n');
    }

    @Override
    public void write(RowBatch batch) throws IOException {
        int cols = schema.size();
        for (int r = 0; r < batch.size(); r++) {
            line.setLength(0);
            for (int c = 0; c < cols; c++) {
                if (c > 0) line.append(',');
                if (batch.isNull(c, r)) continue;
                switch (schema.column(c).type()) {
                    case ColumnType.Timestamp t -> TimestampCodec.format(batch.getLong(c, r), line);
                    case ColumnType.Int32 i -> line.append(batch.getLong(c, r));
                    case ColumnType.Int64 i -> line.append(batch.getLong(c, r));
                    case ColumnType.Float64 d -> NumberText.formatDouble(batch.getDouble(c, r), line);
                    case ColumnType.Text t -> text(batch.getText(c, r));
                    case ColumnType.Date d -> line.append(java.time.LocalDate.ofEpochDay(batch.getLong(c, r)));
                    case ColumnType.Bool b -> line.append(batch.getLong(c, r) != 0);
                    case ColumnType.Decimal d -> line.append(d.value(batch.getLong(c, r)).toPlainString());
                }
            }
            line.append('\n');
            out.append(line);
        }
    }

    /* RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
    private void text(String s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char ch = s.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        if (!quote) {
            line.append(s);
            return;
        }
        line.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') line.append('"');
            line.append(ch);
        }
        line.append('"');
    }

    @Override
    public void commit() throws IOException {
        out.close();
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (committed) return;
        try {
            out.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
