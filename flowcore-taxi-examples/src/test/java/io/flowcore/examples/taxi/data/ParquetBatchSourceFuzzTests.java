package io.flowcore.examples.taxi.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;

/*
 * Property-based fuzzing of ParquetBatchSource: whatever the bytes, reading never hangs (each case is
 * bounded), never fails with anything but a clear exception naming the file, and never loses a row
 * silently: when it finishes, the rows in batches = rowsRead() = the row count in the file's footer
 * (read here by parquet-java's own footer reader). A file cut short must always be refused.
 * Tries: jqwik.tries.default (200 in src/test/resources/junit-platform.properties; -Pstress for more).
 */
@Label("ParquetBatchSource under fuzzed input")
class ParquetBatchSourceFuzzTests {
    private static final TaxiSchema SCHEMA = TaxiSchema.canonical(Service.YELLOW);
    private static Path dir;
    private static byte[] valid;
    private static int footerStart;

    @BeforeContainer
    static void makeAValidSmallFile() throws IOException {
        dir = Files.createTempDirectory("parquet-fuzz");
        Path file = dir.resolve("valid.parquet");
        // small row groups and pages: several of each in a small file
        MonthFiles.writeParquet(MonthSpec.of(Service.YELLOW, 2021, 1), GeneratorOptions.rows(500), file,
                new ParquetOptions(CompressionCodecName.SNAPPY, 65_536, 4_096));
        valid = Files.readAllBytes(file);
        int footerLength = ByteBuffer.wrap(valid, valid.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        footerStart = valid.length - 8 - footerLength;
    }

    @AfterContainer
    static void removeFiles() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Property
    void aFileCutShortIsAlwaysRefusedClearly(@ForAll @IntRange(min = 0, max = 9_999) int permyriad) throws Exception {
        byte[] cut = Arrays.copyOf(valid, (int) ((long) (valid.length - 1) * permyriad / 10_000));
        Path file = Files.write(dir.resolve("cut.parquet"), cut);
        Fuzzing.Outcome<long[]> o = Fuzzing.bounded(file.toString(), () -> read(file));
        assertNotNull(o.error(), () -> "a file cut at " + cut.length + " of " + valid.length + " bytes was read as complete");
        Fuzzing.assertClear(o.error(), "cut.parquet");
    }

    @Property
    void flippedBytesAnywhereAreReadInFullOrRefusedClearly(@ForAll("flipsAnywhere") byte[] bytes) throws Exception {
        check(bytes);
    }

    @Property
    void flippedBytesInTheFooterAreReadInFullOrRefusedClearly(@ForAll("flipsInFooter") byte[] bytes) throws Exception {
        check(bytes);
    }

    @Property
    void randomBytesAreRefusedClearly(@ForAll @Size(max = 3000) byte[] body, @ForAll boolean framed) throws Exception {
        byte[] bytes = body;
        if (framed) { // PAR1 at both ends and a footer length that fits, so the reader gets past the magic
            ByteBuffer b = ByteBuffer.allocate(body.length + 12).order(ByteOrder.LITTLE_ENDIAN);
            b.put("PAR1".getBytes()).put(body).putInt(body.length).put("PAR1".getBytes());
            bytes = b.array();
        }
        check(bytes);
    }

    private void check(byte[] bytes) throws Exception {
        Path file = Files.write(dir.resolve("in.parquet"), bytes);
        Fuzzing.Outcome<long[]> o = Fuzzing.bounded("in.parquet", () -> read(file));
        if (o.error() != null) {
            Fuzzing.assertClear(o.error(), "in.parquet");
            return;
        }
        long[] counts = o.value(); // rows in batches, rowsRead()
        long footerRows;
        try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build())) {
            footerRows = footer.getRecordCount();
        }
        assertEquals(footerRows, counts[0], "rows in batches");
        assertEquals(footerRows, counts[1], "rowsRead()");
    }

    private static long[] read(Path file) throws IOException {
        long rows = 0;
        try (ParquetBatchSource source = new ParquetBatchSource(file, SCHEMA)) {
            RowBatch batch = new RowBatch(SCHEMA, 256);
            while (source.next(batch)) rows += batch.size();
            return new long[] {rows, source.rowsRead()};
        }
    }

    @Provide
    Arbitrary<byte[]> flipsAnywhere() {
        return flips(0, valid.length - 1);
    }

    @Provide
    Arbitrary<byte[]> flipsInFooter() {
        return flips(footerStart, valid.length - 9);
    }

    private static Arbitrary<byte[]> flips(int from, int to) {
        return Arbitraries.integers().between(from, to).list().ofMinSize(1).ofMaxSize(8)
                .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                    byte[] copy = valid.clone();
                    List<Integer> at = positions;
                    for (int k = 0; k < at.size(); k++) copy[at.get(k)] = values.get(k);
                    return copy;
                }));
    }

    static {
        new Configuration(false); // load Hadoop's Configuration class once, outside the bounded cases
    }
}
