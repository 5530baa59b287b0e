package io.flowcore.examples.taxi.data;

import io.flowcore.data.BadRowLimitException;
import io.flowcore.data.Column;
import io.flowcore.data.ColumnType;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetBatchWriter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import io.flowcore.data.SchemaChange;
import io.flowcore.data.SchemaDriftException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("FileConverter")
class FileConverterTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);
    private static final FileConverter DEFAULT = new FileConverter(ConversionOptions.defaults());

    @TempDir
    Path dir;

    @Test
    void convertsCsvGzToParquetThatDuckDbReadsWithCanonicalTypesCountsAndValues() throws Exception {
        Path csv = dir.resolve(JAN.baseName() + ".csv.gz"), parquet = dir.resolve("out.parquet");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(30_000), csv);
        ConversionSummary s = DEFAULT.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), parquet, ParquetOptions.defaults());
        assertEquals(30_000, s.rowsRead());
        assertEquals(30_000, s.rowsWritten());
        assertEquals(0, s.rowsRejected());
        assertEquals(List.of(), s.schemaChanges());
        assertNull(s.rejectsFile());
        Map<String, String> types = DuckDb.parquetTypes(parquet);
        assertEquals("TIMESTAMP", types.get("tpep_pickup_datetime"));
        assertEquals("TIMESTAMP", types.get("tpep_dropoff_datetime"));
        assertEquals("BIGINT", types.get("passenger_count"));
        assertEquals("DOUBLE", types.get("total_amount"));
        assertEquals("VARCHAR", types.get("store_and_fwd_flag"));
        assertEquals(30_000, DuckDb.parquetRows(parquet));
        // The same aggregates from DuckDB's own CSV reader and from our Parquet file.
        String agg = "SELECT count(passenger_count), sum(passenger_count), round(sum(total_amount), 2),"
                + " min(tpep_pickup_datetime)::VARCHAR, max(tpep_dropoff_datetime)::VARCHAR, count(store_and_fwd_flag) FROM ";
        assertEquals(DuckDb.query(agg + "read_csv('" + csv + "', header=true)"),
                DuckDb.query(agg + "read_parquet('" + parquet + "')"));
    }

    @Test
    void cutsRowGroupsAtTheConfiguredSizeSoTheWriterHoldsOneSmallGroupAtATime() throws Exception {
        Path csv = dir.resolve(JAN.baseName() + ".csv.gz"), parquet = dir.resolve("groups.parquet");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(200_000), csv);
        ParquetOptions small = new ParquetOptions(org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY, 1 << 20, 64 << 10);
        DEFAULT.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), parquet, small);
        long groups = ((Number) DuckDb.scalar("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + parquet + "')")).longValue();
        assertTrue(groups >= 3, "row groups: " + groups);
        assertEquals(200_000, DuckDb.parquetRows(parquet));
        assertEquals(DuckDb.query("SELECT sum(fare_amount)::DECIMAL(18,2), count(airport_fee) FROM read_csv('" + csv + "')"),
                DuckDb.query("SELECT sum(fare_amount)::DECIMAL(18,2), count(airport_fee) FROM read_parquet('" + parquet + "')"));
    }

    @Test
    void convertsGreenAndFhvFromCsvGzAndParquetIntoTheCanonicalSchema() throws Exception {
        for (Service service : List.of(Service.GREEN, Service.FHV)) {
            MonthSpec month = MonthSpec.of(service, 2021, 2);
            Path csv = dir.resolve(month.baseName() + ".csv.gz"), src = dir.resolve(month.baseName() + ".parquet");
            MonthFiles.writeCsvGz(month, GeneratorOptions.rows(7_000), csv);
            MonthFiles.writeParquet(month, GeneratorOptions.rows(7_000), src, ParquetOptions.defaults());
            for (Path in : List.of(csv, src)) {
                Path out = dir.resolve("out-" + in.getFileName() + ".parquet");
                ConversionSummary s = DEFAULT.toParquet(in, TaxiSchema.canonical(service), out, ParquetOptions.defaults());
                assertEquals(7_000, s.rowsWritten(), in.toString());
                assertEquals(7_000, DuckDb.parquetRows(out));
                assertEquals(TaxiSchema.canonical(service).columns().stream().map(Column::name).toList(),
                        List.copyOf(DuckDb.parquetTypes(out).keySet()));
            }
        }
    }

    @Test
    void dropsZeroPassengerCountRowsAndKeepsMissingOnesAsTheLessonDoes() throws Exception {
        Path csv = dir.resolve(JAN.baseName() + ".csv.gz"), parquet = dir.resolve("f.parquet");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(20_000), csv);
        long zeros = ((Number) DuckDb.scalar("SELECT count(*) FROM read_csv('" + csv + "') WHERE passenger_count = 0")).longValue();
        ConversionSummary s = new FileConverter(ConversionOptions.defaults().withFilter(TaxiSchema::dropZeroPassengerCount))
                .toParquet(csv, TaxiSchema.canonical(Service.YELLOW), parquet, ParquetOptions.defaults());
        assertTrue(zeros > 200, "about 2 % zeros, got " + zeros);
        assertEquals(zeros, s.rowsFiltered());
        assertEquals(20_000 - zeros, DuckDb.parquetRows(parquet));
        assertEquals(0L, DuckDb.scalar("SELECT count(*) FROM read_parquet('" + parquet + "') WHERE passenger_count = 0"));
        assertEquals(1_400L, DuckDb.scalar("SELECT count(*) FROM read_parquet('" + parquet + "') WHERE passenger_count IS NULL"));
    }

    @Test
    void mapsDriftedParquetMonthsOntoTheCanonicalSchemaAndReportsEachChange() throws Exception {
        GeneratorOptions drift = GeneratorOptions.rows(4_000).withDrift(DriftProfile.ALL);
        Path yellow = dir.resolve("yellow_tripdata_2021-01.parquet"), green = dir.resolve("green_tripdata_2021-01.parquet");
        MonthFiles.writeParquet(JAN, drift, yellow, ParquetOptions.defaults());
        MonthFiles.writeParquet(MonthSpec.of(Service.GREEN, 2021, 1), drift, green, ParquetOptions.defaults());

        ConversionSummary y = DEFAULT.toParquet(yellow, TaxiSchema.canonical(Service.YELLOW), dir.resolve("y.parquet"), ParquetOptions.defaults());
        assertEquals(List.of("passenger_count: DOUBLE → INT64", "airport_fee: INT32 → DOUBLE"),
                y.schemaChanges().stream().map(SchemaChange::toString).toList());
        assertEquals("BIGINT", DuckDb.parquetTypes(dir.resolve("y.parquet")).get("passenger_count"));
        assertEquals("DOUBLE", DuckDb.parquetTypes(dir.resolve("y.parquet")).get("airport_fee"));
        assertEquals(DuckDb.scalar("SELECT sum(passenger_count)::BIGINT FROM read_parquet('" + yellow + "')"),
                DuckDb.scalar("SELECT sum(passenger_count)::BIGINT FROM read_parquet('" + dir.resolve("y.parquet") + "')"));

        ConversionSummary g = DEFAULT.toParquet(green, TaxiSchema.canonical(Service.GREEN), dir.resolve("g.parquet"), ParquetOptions.defaults());
        assertTrue(g.schemaChanges().stream().map(SchemaChange::toString).toList().contains("ehail_fee: absent → NULL DOUBLE"),
                g.schemaChanges().toString());
        assertEquals("DOUBLE", DuckDb.parquetTypes(dir.resolve("g.parquet")).get("ehail_fee"));
    }

    @Test
    void mapsWholeDoublesInACsvIntegerColumnAndReportsIt() throws Exception {
        Path csv = dir.resolve(JAN.baseName() + ".csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(3_000).withDrift(DriftProfile.ALL), csv);
        assertTrue(firstLines(csv, 2).get(1).contains(",1.0,") || firstLines(csv, 2).get(1).contains(",0.0,"),
                "the drifted CSV writes passenger_count as a double: " + firstLines(csv, 2).get(1));
        ConversionSummary s = DEFAULT.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), dir.resolve("c.parquet"), ParquetOptions.defaults());
        assertEquals(List.of("passenger_count: DOUBLE → INT64"), s.schemaChanges().stream().map(SchemaChange::toString).toList());
        assertEquals("BIGINT", DuckDb.parquetTypes(dir.resolve("c.parquet")).get("passenger_count"));
    }

    @Test
    void refusesAFractionalPassengerCountInCsvNamingFileLineColumnAndBothTypes() throws Exception {
        Path csv = corruptedCsv("yellow_tripdata_2021-01.csv", 500, Map.of(42, line -> replaceField(line, 3, "1.5")));
        Path out = dir.resolve("never.parquet");
        SchemaDriftException e = assertThrows(SchemaDriftException.class,
                () -> DEFAULT.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), out, ParquetOptions.defaults()));
        assertEquals("cannot map yellow_tripdata_2021-01.csv onto the target schema: column passenger_count is DOUBLE"
                + " in the file but INT64 in the target schema, and line 42 has 1.5, which is not a whole number", e.getMessage());
        assertFalse(Files.exists(out), "no partial output");
    }

    @Test
    void refusesAFractionalPassengerCountInParquetNamingTheRow() throws Exception {
        Schema fileSchema = TaxiSchema.canonical(Service.YELLOW).withType("passenger_count", ColumnType.DOUBLE);
        Path src = dir.resolve("yellow_tripdata_2021-03.parquet");
        TripGenerator gen = new TripGenerator(MonthSpec.of(Service.YELLOW, 2021, 3), GeneratorOptions.rows(100)
                .withDrift(new DriftProfile(true, false, false)));
        RowBatch batch = gen.newBatch(100);
        gen.fill(batch);
        batch.setDouble(fileSchema.require("passenger_count"), 9, 1.5);
        try (ParquetBatchWriter w = new ParquetBatchWriter(src, fileSchema, ParquetOptions.defaults())) {
            w.write(batch);
            w.commit();
        }
        SchemaDriftException e = assertThrows(SchemaDriftException.class,
                () -> DEFAULT.toParquet(src, TaxiSchema.canonical(Service.YELLOW), dir.resolve("x.parquet"), ParquetOptions.defaults()));
        assertEquals("passenger_count", e.column());
        assertTrue(e.getMessage().contains("yellow_tripdata_2021-03.parquet") && e.getMessage().contains("row 10 has 1.5")
                && e.getMessage().contains("DOUBLE in the file but INT64"), e.getMessage());
    }

    @Test
    void refusesTextWhereTheCanonicalSchemaHasANumber() throws Exception {
        Schema fileSchema = TaxiSchema.canonical(Service.FHV).withType("PUlocationID", ColumnType.TEXT);
        Path src = dir.resolve("fhv_tripdata_2021-01.parquet");
        RowBatch batch = new RowBatch(fileSchema, 4);
        int r = batch.beginRow(1);
        batch.setText(fileSchema.require("PUlocationID"), r, "Manhattan");
        batch.commitRow();
        try (ParquetBatchWriter w = new ParquetBatchWriter(src, fileSchema, ParquetOptions.defaults())) {
            w.write(batch);
            w.commit();
        }
        SchemaDriftException e = assertThrows(SchemaDriftException.class,
                () -> DEFAULT.toParquet(src, TaxiSchema.canonical(Service.FHV), dir.resolve("x.parquet"), ParquetOptions.defaults()));
        assertEquals("cannot map fhv_tripdata_2021-01.parquet onto the target schema: column PUlocationID is TEXT in the"
                + " file but INT64 in the target schema, and there is no safe conversion between them", e.getMessage());
    }

    @Test
    void writesBadRowsToARejectsFileWithFileNameAndLineNumber() throws Exception {
        Path csv = corruptedCsv("yellow_tripdata_2021-01.csv", 1_000, Map.of(
                10, line -> replaceField(line, 1, "2021-13-45 25:00:00"),
                500, line -> replaceField(line, 10, "twelve dollars"),
                777, line -> "2,2021-01-05 10:00:00"));
        Path out = dir.resolve("ok.parquet");
        ConversionSummary s = DEFAULT.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), out, ParquetOptions.defaults());
        assertEquals(1_000, s.rowsRead());
        assertEquals(3, s.rowsRejected());
        assertEquals(997, s.rowsWritten());
        assertEquals(997, DuckDb.parquetRows(out));
        List<String> rejects = Files.readAllLines(s.rejectsFile());
        assertEquals("file,line,reason,row", rejects.get(0));
        assertTrue(rejects.get(1).startsWith("\"yellow_tripdata_2021-01.csv\",10,\"tpep_pickup_datetime: unparseable timestamp '2021-13-45 25:00:00'\","), rejects.get(1));
        assertTrue(rejects.get(2).startsWith("\"yellow_tripdata_2021-01.csv\",500,\"fare_amount: not a number 'twelve dollars'\","), rejects.get(2));
        assertEquals("\"yellow_tripdata_2021-01.csv\",777,\"expected 19 fields, found 2\",\"2,2021-01-05 10:00:00\"", rejects.get(3));
    }

    @Test
    void failsAMonthWithMoreBadRowsThanTheAllowedShareAndWritesNothing() throws Exception {
        Map<Integer, UnaryOperator<String>> bad = new java.util.HashMap<>();
        for (int line = 100; line < 120; line++) bad.put(line, l -> replaceField(l, 4, "far"));
        Path csv = corruptedCsv("yellow_tripdata_2021-01.csv", 1_000, bad);
        Path out = dir.resolve("bad.parquet");
        BadRowLimitException e = assertThrows(BadRowLimitException.class,
                () -> DEFAULT.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), out, ParquetOptions.defaults()));
        assertTrue(e.getMessage().startsWith("yellow_tripdata_2021-01.csv has 20 bad rows of 1000 (2.00 %), more than the allowed 1.00 %;"),
                e.getMessage());
        assertFalse(Files.exists(out));
        // A looser limit lets the same month through.
        ConversionSummary s = new FileConverter(ConversionOptions.defaults().withMaxBadRowShare(0.05))
                .toParquet(csv, TaxiSchema.canonical(Service.YELLOW), out, ParquetOptions.defaults());
        assertEquals(980, s.rowsWritten());
    }

    /** A generated yellow CSV of {@code rows} rows with the given 1-based lines rewritten. */
    private Path corruptedCsv(String name, int rows, Map<Integer, UnaryOperator<String>> edits) throws Exception {
        Path gz = dir.resolve(name + ".gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(rows), gz);
        List<String> lines = firstLines(gz, Integer.MAX_VALUE);
        edits.forEach((line, edit) -> lines.set(line - 1, edit.apply(lines.get(line - 1))));
        Path csv = dir.resolve(name);
        Files.write(csv, lines);
        return csv;
    }

    private static String replaceField(String line, int index, String value) {
        String[] f = line.split(",", -1);
        f[index] = value;
        return String.join(",", f);
    }

    private static List<String> firstLines(Path gz, int n) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            String l;
            while (lines.size() < n && (l = r.readLine()) != null) lines.add(l);
        }
        return lines;
    }
}
