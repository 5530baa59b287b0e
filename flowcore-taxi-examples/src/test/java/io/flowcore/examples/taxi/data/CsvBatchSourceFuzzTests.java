package io.flowcore.examples.taxi.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/*
 * Property-based fuzzing of CsvBatchSource: whatever the bytes, reading never hangs (each case is
 * bounded), never fails with anything but a clear exception naming the file, and never loses a row
 * silently: when it finishes, rows in batches + rows rejected = the input's data records, counted
 * here by an independent RFC 4180 reading (records end at CR, LF or CRLF outside quotes, "" is a
 * quote inside quotes, empty lines are skipped, the first record is the header).
 * Tries: jqwik.tries.default (200 in src/test/resources/junit-platform.properties; -Pstress for more).
 */
@Label("CsvBatchSource under fuzzed input")
class CsvBatchSourceFuzzTests {
    private static final TaxiSchema SCHEMA = TaxiSchema.canonical(Service.YELLOW);
    private static final int MUST_THROW = -1;
    private static Path dir;
    private static byte[] valid;

    @BeforeContainer
    static void makeAValidSmallFile() throws IOException {
        dir = Files.createTempDirectory("csv-fuzz");
        Path gz = dir.resolve("valid.csv.gz");
        MonthFiles.writeCsvGz(MonthSpec.of(Service.YELLOW, 2021, 1), GeneratorOptions.rows(40), gz);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            valid = in.readAllBytes();
        }
    }

    @AfterContainer
    static void removeFiles() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Property
    void randomBytesAreReadInFullOrRefusedClearly(@ForAll @Size(max = 3000) byte[] bytes, @ForAll boolean gzip) throws Exception {
        check(bytes, gzip);
    }

    @Property
    void mutatedValidFilesAreReadInFullOrRefusedClearly(@ForAll("mutatedValid") byte[] bytes, @ForAll boolean gzip) throws Exception {
        check(bytes, gzip);
    }

    @Property
    void oddQuotingIsReadInFullOrRefusedClearly(@ForAll("oddlyQuoted") String csv) throws Exception {
        check(csv.getBytes(StandardCharsets.UTF_8), false);
    }

    @Property
    void hugeFieldsAreReadInFullOrRefusedClearly(@ForAll("hugeFields") String csv, @ForAll boolean gzip) throws Exception {
        check(csv.getBytes(StandardCharsets.UTF_8), gzip);
    }

    @Property
    void aCsvGzCutShortIsNeverTakenAsComplete(@ForAll @IntRange(min = 0, max = 999) int permille) throws Exception {
        byte[] gz = gzip(valid);
        byte[] cut = Arrays.copyOf(gz, (int) ((long) (gz.length - 1) * permille / 1000)); // at least the last byte short
        Path file = write("cut.csv.gz", cut);
        Fuzzing.Outcome<long[]> o = Fuzzing.bounded(file.toString(), () -> read(file));
        assertNotNull(o.error(), () -> "a gzip cut at " + cut.length + " of " + gz.length + " bytes was read as complete");
        Fuzzing.assertClear(o.error(), "cut.csv.gz");
    }

    private void check(byte[] csv, boolean gzip) throws Exception {
        String name = gzip ? "in.csv.gz" : "in.csv";
        Path file = write(name, gzip ? gzip(csv) : csv);
        long expected = dataRecords(csv);
        Fuzzing.Outcome<long[]> o = Fuzzing.bounded(name, () -> read(file));
        if (o.error() != null) {
            Fuzzing.assertClear(o.error(), name);
            return;
        }
        long[] counts = o.value(); // rows in batches, rows rejected, rowsRead()
        if (expected == MUST_THROW) throw new AssertionError("broken quoting was read without an error: " + Arrays.toString(counts));
        assertEquals(expected, counts[0] + counts[1], () -> "rows + rejects, for " + Arrays.toString(counts));
        assertEquals(expected, counts[2], "rowsRead()");
    }

    private static long[] read(Path file) throws IOException {
        long rows = 0;
        try (RejectsFile rejects = new RejectsFile(file.resolveSibling(file.getFileName() + ".rejects.csv"));
             CsvBatchSource source = new CsvBatchSource(file, SCHEMA, rejects)) {
            RowBatch batch = new RowBatch(SCHEMA, 16);
            while (source.next(batch)) rows += batch.size();
            return new long[] {rows, rejects.count(), source.rowsRead()};
        }
    }

    /** Data records per RFC 4180 as FastCSV reads them, or MUST_THROW for a quote left open or text after a closing quote. */
    static long dataRecords(byte[] bytes) {
        String text = decode(bytes);
        final int start = 0, unquoted = 1, quoted = 2, afterQuote = 3;
        int state = start;
        boolean inRecord = false;
        long records = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (state == quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') i++;
                    else state = afterQuote;
                }
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (inRecord) records++;
                inRecord = false;
                state = start;
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                continue;
            }
            inRecord = true;
            if (c == ',') state = start;
            else if (state == afterQuote) return MUST_THROW;
            else if (c == '"' && state == start) state = quoted;
            else state = unquoted;
        }
        if (state == quoted) return MUST_THROW;
        if (inRecord) records++;
        return records == 0 ? MUST_THROW : records - 1; // no header: an error; else the first record is the header
    }

    /* As FastCSV's detectBomHeader: a UTF-8/16/32 byte-order mark picks the charset and is dropped. */
    private static String decode(byte[] b) {
        record Bom(byte[] mark, Charset charset) {
        }
        for (Bom bom : List.of(new Bom(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, StandardCharsets.UTF_8),
                new Bom(new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, Charset.forName("UTF-32BE")),
                new Bom(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}, Charset.forName("UTF-32LE")),
                new Bom(new byte[] {(byte) 0xFE, (byte) 0xFF}, StandardCharsets.UTF_16BE),
                new Bom(new byte[] {(byte) 0xFF, (byte) 0xFE}, StandardCharsets.UTF_16LE))) {
            if (b.length >= bom.mark().length && Arrays.equals(b, 0, bom.mark().length, bom.mark(), 0, bom.mark().length)) {
                return new String(b, bom.mark().length, b.length - bom.mark().length, bom.charset());
            }
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<byte[]> mutatedValid() {
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, 100)
                .map(pct -> Arrays.copyOf(valid, valid.length * pct / 100));
        Arbitrary<byte[]> flipped = Arbitraries.integers().between(0, valid.length - 1).list().ofMinSize(1).ofMaxSize(12)
                .flatMap(positions -> Arbitraries.of((byte) '"', (byte) ',', (byte) '\n', (byte) '\r', (byte) 'x', (byte) '1',
                                (byte) '.', (byte) '-', (byte) 0, (byte) 0xC3, (byte) 0xFF).list().ofSize(positions.size())
                        .map(values -> {
                            byte[] copy = valid.clone();
                            for (int k = 0; k < positions.size(); k++) copy[positions.get(k)] = values.get(k);
                            return copy;
                        }));
        Arbitrary<byte[]> randomFlips = Arbitraries.integers().between(0, valid.length - 1).list().ofMinSize(1).ofMaxSize(6)
                .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                    byte[] copy = valid.clone();
                    for (int k = 0; k < positions.size(); k++) copy[positions.get(k)] = values.get(k);
                    return copy;
                }));
        return Arbitraries.oneOf(truncated, flipped, randomFlips);
    }

    @Provide
    Arbitrary<String> oddlyQuoted() {
        String header = new String(valid, 0, indexOf(valid, (byte) '\n') + 1, StandardCharsets.UTF_8);
        Arbitrary<String> field = Arbitraries.oneOf(
                Arbitraries.of("", "\"", "\"\"", "\"\"\"", "\"a,b\"", "\"a\"\"b\"", "\"open", "a\"b", "\"x\"y", " \"q\" ",
                        "\"line\nbreak\"", "\"cr\rlf\"", "1", "2.5", "-3", "2021-01-01 00:15:56", "N", "é", "\t"),
                Arbitraries.strings().withChars("\",\r\n a1.").ofMaxLength(6));
        Arbitrary<String> line = field.list().ofMinSize(1).ofMaxSize(22).map(fs -> String.join(",", fs));
        Arbitrary<String> end = Arbitraries.of("\n", "\r\n", "\r", "\n\n", "");
        Arbitrary<String> row = Combinators.combine(line, end).as((l, e) -> l + e);
        return row.list().ofMaxSize(8).map(rows -> header + String.join("", rows));
    }

    @Provide
    Arbitrary<String> hugeFields() {
        String header = new String(valid, 0, indexOf(valid, (byte) '\n') + 1, StandardCharsets.UTF_8);
        Arbitrary<String> huge = Combinators.combine(Arbitraries.integers().between(10_000, 400_000),
                        Arbitraries.chars().with('a', '1', ' ', '"', ',', '\n'), Arbitraries.of(true, false))
                .as((n, c, quote) -> quote ? "\"" + String.valueOf(c == '"' ? 'q' : c).repeat(n) + "\""
                        : String.valueOf(c == ',' || c == '\n' || c == '"' ? 'z' : c).repeat(n));
        return Combinators.combine(huge, Arbitraries.integers().between(0, 18), Arbitraries.integers().between(0, 3))
                .as((field, at, rows) -> {
                    StringBuilder s = new StringBuilder(header);
                    String[] good = new String(valid, StandardCharsets.UTF_8).split("\n");
                    for (int r = 0; r < rows; r++) s.append(good[1 + r]).append('\n');
                    String[] cells = good[1 + rows].split(",", -1);
                    cells[Math.min(at, cells.length - 1)] = field;
                    return s.append(String.join(",", cells)).append('\n').toString();
                });
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) if (b[i] == v) return i;
        return b.length - 1;
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
