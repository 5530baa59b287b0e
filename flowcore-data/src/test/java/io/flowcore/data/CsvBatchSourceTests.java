package io.flowcore.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("CsvBatchSource")
class CsvBatchSourceTests {
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    @Test
    void stripsAUtf8ByteOrderMarkSoTheFirstColumnReadsForEveryRow() throws Exception {
        Path gz = dir.resolve("plain.csv.gz");
        SampleFiles.writeCsvGz(gz, 2_000);
        byte[] csv;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            csv = in.readAllBytes();
        }
        List<Long> expected = firstColumn(gz);
        assertEquals(2_000, expected.size());
        assertEquals(true, expected.stream().anyMatch(v -> v != null), "the generator fills VendorID");

        Path bomCsv = dir.resolve("bom.csv");
        try (OutputStream out = Files.newOutputStream(bomCsv)) {
            out.write(UTF8_BOM);
            out.write(csv);
        }
        Path bomGz = dir.resolve("bom.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomGz))) {
            out.write(UTF8_BOM);
            out.write(csv);
        }
        assertEquals(expected, firstColumn(bomCsv), "a .csv starting with a BOM");
        assertEquals(expected, firstColumn(bomGz), "a .csv.gz whose CSV starts with a BOM");
    }

    @Test
    void skipsEmptyLinesBeforeTheHeaderAndBetweenRowsWithoutCountingThemAsRowsOrRejects() throws Exception {
        Path plain = dir.resolve("plain.csv");
        Files.writeString(plain, "VendorID,passenger_count\n1,2\n2,3\n");
        Path blanks = dir.resolve("blanks.csv");
        Files.writeString(blanks, "\r\n\nVendorID,passenger_count\n\n1,2\r\n\r\n2,3\n\n");
        assertEquals(List.of(1L, 2L), firstColumn(plain));
        try (RejectsFile rejects = new RejectsFile(dir.resolve("blanks.rejects.csv"));
             CsvBatchSource source = new CsvBatchSource(blanks, SampleFiles.SCHEMA, rejects)) {
            RowBatch batch = new RowBatch(SampleFiles.SCHEMA, 16);
            assertEquals(true, source.next(batch));
            assertEquals(2, batch.size());
            assertEquals(2, source.rowsRead());
            assertEquals(0, rejects.count());
        }
    }

    @Test
    void refusesAQuoteLeftOpenNamingTheFileInsteadOfSwallowingTheRestIntoOneField() throws Exception {
        Path file = dir.resolve("open-quote.csv");
        Files.writeString(file, "VendorID,passenger_count\n1,2\n\"2,3\n3,4\n");
        Schema schema = SampleFiles.SCHEMA;
        try (RejectsFile rejects = new RejectsFile(dir.resolve("q.rejects.csv"));
             CsvBatchSource source = new CsvBatchSource(file, schema, rejects)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> source.next(new RowBatch(schema, 16)));
            assertTrue(e.getMessage().contains("open-quote.csv") && e.getMessage().contains("line 3"), e.getMessage());
        }
    }

    /* VendorID of every row, null where the cell is empty. */
    private List<Long> firstColumn(Path file) throws Exception {
        Schema schema = SampleFiles.SCHEMA;
        int col = schema.indexOf("VendorID");
        List<Long> values = new ArrayList<>();
        try (RejectsFile rejects = new RejectsFile(dir.resolve(file.getFileName() + ".rejects.csv"));
             CsvBatchSource source = new CsvBatchSource(file, schema, rejects)) {
            RowBatch batch = new RowBatch(schema, 512);
            while (source.next(batch)) {
                for (int r = 0; r < batch.size(); r++) values.add(batch.isNull(col, r) ? null : batch.getLong(col, r));
            }
            assertTrue(source.changes().stream().noneMatch(c -> c.column().contains("VendorID")),
                    () -> file + ": VendorID matched by name, " + source.changes());
        }
        return values;
    }
}
