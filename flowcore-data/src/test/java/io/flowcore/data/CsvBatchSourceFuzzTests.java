package io.flowcore.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.flowcore.engine.testing.Fuzz;
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
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * Fuzzing of CsvBatchSource: whatever the bytes, reading never hangs (each case is bounded), never fails
 * with anything but a clear exception naming the file, and never loses a row silently: when it finishes,
 * rows in batches + rows rejected = the input's data records, counted here by an independent RFC 4180
 * reading (records end at CR, LF or CRLF outside quotes, "" is a quote inside quotes, empty lines are
 * skipped, the first record is the header).
 * Cases per test: Fuzz.tries() (200 in a normal build, 5,000 with -Pstress); a failure names the seed to
 * rerun it with (-Dflowcore.fuzz.seed=S).
 */
@DisplayName("CsvBatchSource under fuzzed input")
class CsvBatchSourceFuzzTests {
    private static final Schema SCHEMA = SampleFiles.SCHEMA;
    private static final int MUST_THROW = -1;
    private static final byte[] ODD_BYTES = {'"', ',', '\n', '\r', 'x', '1', '.', '-', 0, (byte) 0xC3, (byte) 0xFF};
    private static final List<String> ODD_FIELDS = List.of("", "\"", "\"\"", "\"\"\"", "\"a,b\"", "\"a\"\"b\"", "\"open",
            "a\"b", "\"x\"y", " \"q\" ", "\"line\nbreak\"", "\"cr\rlf\"", "1", "2.5", "-3", "2021-01-01 00:15:56", "N", "é", "\t");
    private static final String ODD_CHARS = "\",\r\n a1.";
    private static final List<String> LINE_ENDS = List.of("\n", "\r\n", "\r", "\n\n", "");
    private static final char[] HUGE_CHARS = {'a', '1', ' ', '"', ',', '\n'};

    @TempDir
    static Path dir;
    private static byte[] valid;
    private static String header;
    private static String[] goodLines;

    @BeforeAll
    static void makeAValidSmallFile() throws IOException {
        Path gz = dir.resolve("valid.csv.gz");
        SampleFiles.writeCsvGz(gz, 40);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            valid = in.readAllBytes();
        }
        header = new String(valid, 0, indexOf(valid, (byte) '\n') + 1, StandardCharsets.UTF_8);
        goodLines = new String(valid, StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void randomBytesAreReadInFullOrRefusedClearly() throws Exception {
        Fuzz.check("random bytes", Fuzzing.CASE_TIMEOUT, r -> {
            byte[] bytes = Fuzzing.bytes(r, 3000);
            check("random " + bytes.length + " bytes", bytes, r.nextBoolean());
        });
    }

    @Test
    void mutatedValidFilesAreReadInFullOrRefusedClearly() throws Exception {
        Fuzz.check("mutated valid file", Fuzzing.CASE_TIMEOUT, r -> {
            boolean gzip = r.nextBoolean();
            switch (r.nextInt(3)) {
                case 0 -> {
                    int pct = r.nextInt(101);
                    check("the valid file cut to " + pct + "%", Arrays.copyOf(valid, valid.length * pct / 100), gzip);
                }
                case 1 -> check("the valid file with up to 12 bytes set to quotes, separators, line ends, NUL or bad UTF-8",
                        Fuzzing.flipped(valid, r, 12, 0, valid.length - 1, ODD_BYTES), gzip);
                default -> check("the valid file with up to 6 bytes set at random",
                        Fuzzing.flipped(valid, r, 6, 0, valid.length - 1, Fuzzing.ANY_BYTE), gzip);
            }
        });
    }

    @Test
    void oddQuotingIsReadInFullOrRefusedClearly() throws Exception {
        Fuzz.check("odd quoting", Fuzzing.CASE_TIMEOUT, r -> {
            String csv = oddlyQuoted(r);
            check("oddly quoted " + quoted(csv), csv.getBytes(StandardCharsets.UTF_8), false);
        });
    }

    @Test
    void hugeFieldsAreReadInFullOrRefusedClearly() throws Exception {
        Fuzz.check("huge fields", Fuzzing.CASE_TIMEOUT, r -> {
            int length = 10_000 + r.nextInt(390_001);
            char c = HUGE_CHARS[r.nextInt(HUGE_CHARS.length)];
            boolean quote = r.nextBoolean();
            int at = r.nextInt(19);
            int rows = r.nextInt(4);
            String csv = withHugeField(length, c, quote, at, rows);
            check("a " + length + "-char " + (quote ? "quoted " : "") + "field of '" + c + "' in column " + at + " after "
                    + rows + " good rows", csv.getBytes(StandardCharsets.UTF_8), r.nextBoolean());
        });
    }

    @Test
    void aCsvGzCutShortIsNeverTakenAsComplete() throws Exception {
        byte[] gz = gzip(valid);
        Fuzz.check("a cut .csv.gz", Fuzzing.CASE_TIMEOUT, r -> {
            byte[] cut = Arrays.copyOf(gz, (int) ((long) (gz.length - 1) * r.nextInt(1000) / 1000)); // at least the last byte short
            Path file = write("cut.csv.gz", cut);
            Fuzzing.Outcome<long[]> o = Fuzzing.attempt(() -> read(file));
            assertNotNull(o.error(), () -> "a gzip cut at " + cut.length + " of " + gz.length + " bytes was read as complete");
            Fuzzing.assertClear(o.error(), "cut.csv.gz");
        });
    }

    private static void check(String what, byte[] csv, boolean gzip) throws IOException {
        String name = gzip ? "in.csv.gz" : "in.csv";
        Path file = write(name, gzip ? gzip(csv) : csv);
        long expected = dataRecords(csv);
        Fuzzing.Outcome<long[]> o = Fuzzing.attempt(() -> read(file));
        if (o.error() != null) {
            Fuzzing.assertClear(o.error(), name);
            return;
        }
        long[] counts = o.value(); // rows in batches, rows rejected, rowsRead()
        String input = what + (gzip ? ", gzipped" : "");
        if (expected == MUST_THROW) {
            throw new AssertionError("broken quoting was read without an error: " + Arrays.toString(counts) + " from " + input);
        }
        assertEquals(expected, counts[0] + counts[1], () -> "rows + rejects, for " + Arrays.toString(counts) + " from " + input);
        assertEquals(expected, counts[2], () -> "rowsRead() from " + input);
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

    /** The valid header, then up to 8 rows of 1 to 22 odd fields (stray, doubled and open quotes, line breaks), each row ended oddly. */
    private static String oddlyQuoted(Random r) {
        StringBuilder csv = new StringBuilder(header);
        for (int row = r.nextInt(9); row > 0; row--) {
            for (int f = 1 + r.nextInt(22); f > 0; f--) {
                if (r.nextBoolean()) csv.append(ODD_FIELDS.get(r.nextInt(ODD_FIELDS.size())));
                else for (int n = r.nextInt(7); n > 0; n--) csv.append(ODD_CHARS.charAt(r.nextInt(ODD_CHARS.length())));
                if (f > 1) csv.append(',');
            }
            csv.append(LINE_ENDS.get(r.nextInt(LINE_ENDS.size())));
        }
        return csv.toString();
    }

    /** The valid header and {@code rows} good rows, then a good row whose column {@code at} (or its last) is a huge field. */
    private static String withHugeField(int length, char c, boolean quote, int at, int rows) {
        String field = quote ? "\"" + String.valueOf(c == '"' ? 'q' : c).repeat(length) + "\""
                : String.valueOf(c == ',' || c == '\n' || c == '"' ? 'z' : c).repeat(length);
        StringBuilder s = new StringBuilder(header);
        for (int i = 0; i < rows; i++) s.append(goodLines[1 + i]).append('\n');
        String[] cells = goodLines[1 + rows].split(",", -1);
        cells[Math.min(at, cells.length - 1)] = field;
        return s.append(String.join(",", cells)).append('\n').toString();
    }

    /** The text with its CR and LF shown as \r and \n, for a failure message. */
    private static String quoted(String s) {
        return '«' + s.replace("\r", "\\r").replace("\n", "\\n") + '»';
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
