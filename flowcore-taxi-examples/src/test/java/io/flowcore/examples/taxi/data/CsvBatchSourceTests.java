package io.flowcore.examples.taxi.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    @Test
    void stripsAUtf8ByteOrderMarkSoTheFirstColumnReadsForEveryRow() throws Exception {
        Path gz = dir.resolve("plain.csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(2_000), gz);
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

    /* VendorID of every row, null where the cell is empty. */
    private List<Long> firstColumn(Path file) throws Exception {
        TaxiSchema schema = TaxiSchema.canonical(Service.YELLOW);
        int col = schema.indexOf("VendorID");
        List<Long> values = new ArrayList<>();
        try (RejectsFile rejects = new RejectsFile(dir.resolve(file.getFileName() + ".rejects.csv"));
             CsvBatchSource source = new CsvBatchSource(file, schema, rejects)) {
            RowBatch batch = new RowBatch(schema, 512);
            while (source.next(batch)) {
                for (int r = 0; r < batch.size(); r++) values.add(batch.isNull(col, r) ? null : batch.getLong(col, r));
            }
            assertEquals(List.of(), source.changes(), file + ": every column matched by name");
        }
        return values;
    }
}
