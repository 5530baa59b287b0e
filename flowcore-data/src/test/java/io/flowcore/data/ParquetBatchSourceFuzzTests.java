package io.flowcore.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.flowcore.engine.testing.Fuzz;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * Fuzzing of ParquetBatchSource: whatever the bytes, reading never hangs (each case is bounded), never
 * fails with anything but a clear exception naming the file, and never loses a row silently: when it
 * finishes, the rows in batches = rowsRead() = the row count in the file's footer (read here by
 * parquet-java's own footer reader). A file cut short must always be refused.
 * Cases per test: Fuzz.tries() (200 in a normal build, 5,000 with -Pstress); a failure names the seed to
 * rerun it with (-Dflowcore.fuzz.seed=S).
 */
@DisplayName("ParquetBatchSource under fuzzed input")
class ParquetBatchSourceFuzzTests {
    private static final Schema SCHEMA = SampleFiles.SCHEMA;
    @TempDir
    static Path dir;
    private static byte[] valid;
    private static int footerStart;
    // built once: each build makes a Hadoop Configuration, which parses core-default.xml (several ms a case)
    private static ParquetReadOptions footerReadOptions;

    static {
        new Configuration(false); // load Hadoop's Configuration class once, outside the bounded cases
    }

    @BeforeAll
    static void makeAValidSmallFile() throws IOException {
        Path file = dir.resolve("valid.parquet");
        // small row groups and pages: several of each in a small file
        SampleFiles.writeParquet(file, 500,
                new ParquetOptions(CompressionCodecName.SNAPPY, 65_536, 4_096));
        valid = Files.readAllBytes(file);
        int footerLength = ByteBuffer.wrap(valid, valid.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        footerStart = valid.length - 8 - footerLength;
        footerReadOptions = ParquetReadOptions.builder().build();
    }

    @Test
    void aFileCutShortIsAlwaysRefusedClearly() throws Exception {
        Fuzz.check("a cut file", Fuzzing.CASE_TIMEOUT, r -> {
            byte[] cut = Arrays.copyOf(valid, (int) ((long) (valid.length - 1) * r.nextInt(10_000) / 10_000));
            Path file = Files.write(dir.resolve("cut.parquet"), cut);
            Fuzzing.Outcome<long[]> o = Fuzzing.attempt(() -> read(file));
            assertNotNull(o.error(), () -> "a file cut at " + cut.length + " of " + valid.length + " bytes was read as complete");
            Fuzzing.assertClear(o.error(), "cut.parquet");
        });
    }

    @Test
    void flippedBytesAnywhereAreReadInFullOrRefusedClearly() throws Exception {
        Fuzz.check("flipped bytes anywhere", Fuzzing.CASE_TIMEOUT, r ->
                check("the valid file with up to 8 bytes set at random",
                        Fuzzing.flipped(valid, r, 8, 0, valid.length - 1, Fuzzing.ANY_BYTE)));
    }

    @Test
    void flippedBytesInTheFooterAreReadInFullOrRefusedClearly() throws Exception {
        Fuzz.check("flipped bytes in the footer", Fuzzing.CASE_TIMEOUT, r ->
                check("the valid file with up to 8 bytes of its footer set at random",
                        Fuzzing.flipped(valid, r, 8, footerStart, valid.length - 9, Fuzzing.ANY_BYTE)));
    }

    @Test
    void randomBytesAreRefusedClearly() throws Exception {
        Fuzz.check("random bytes", Fuzzing.CASE_TIMEOUT, r -> {
            byte[] body = Fuzzing.bytes(r, 3000);
            if (r.nextBoolean()) { // PAR1 at both ends and a footer length that fits, so the reader gets past the magic
                ByteBuffer b = ByteBuffer.allocate(body.length + 12).order(ByteOrder.LITTLE_ENDIAN);
                b.put("PAR1".getBytes()).put(body).putInt(body.length).put("PAR1".getBytes());
                check(body.length + " random bytes framed as Parquet", b.array());
            } else {
                check(body.length + " random bytes", body);
            }
        });
    }

    private static void check(String what, byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("in.parquet"), bytes);
        Fuzzing.Outcome<long[]> o = Fuzzing.attempt(() -> read(file));
        if (o.error() != null) {
            Fuzzing.assertClear(o.error(), "in.parquet");
            return;
        }
        long[] counts = o.value(); // rows in batches, rowsRead()
        long footerRows;
        try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(file), footerReadOptions)) {
            footerRows = footer.getRecordCount();
        }
        assertEquals(footerRows, counts[0], () -> "rows in batches from " + what);
        assertEquals(footerRows, counts[1], () -> "rowsRead() from " + what);
    }

    private static long[] read(Path file) throws IOException {
        long rows = 0;
        try (ParquetBatchSource source = new ParquetBatchSource(file, SCHEMA)) {
            RowBatch batch = new RowBatch(SCHEMA, 256);
            while (source.next(batch)) rows += batch.size();
            return new long[] {rows, source.rowsRead()};
        }
    }
}
