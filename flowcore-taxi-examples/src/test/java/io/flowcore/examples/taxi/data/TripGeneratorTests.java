package io.flowcore.examples.taxi.data;

import io.flowcore.data.Column;
import io.flowcore.data.ParquetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("TripGenerator")
class TripGeneratorTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);

    @TempDir
    Path dir;

    @Test
    void producesTheSameBytesForTheSameMonthAndDifferentBytesForAnother() throws Exception {
        Path a = dir.resolve("a.csv.gz"), b = dir.resolve("b.csv.gz"), c = dir.resolve("c.csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(20_000), a);
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(20_000), b);
        MonthFiles.writeCsvGz(MonthSpec.of(Service.YELLOW, 2021, 2), GeneratorOptions.rows(20_000), c);
        assertArrayEquals(sha256(a), sha256(b));
        assertNotEquals(HexFormat.of().formatHex(sha256(a)), HexFormat.of().formatHex(sha256(c)));
    }

    @Test
    void usesTheRealMonthSizeByDefault() {
        assertEquals(1_369_769, new TripGenerator(JAN, GeneratorOptions.realSize()).rows());
    }

    @Test
    void writesRealisticYellowRowsThatDuckDbReadsFromCsvGz() throws Exception {
        Path csv = dir.resolve("yellow_tripdata_2021-01.csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(50_000), csv);
        String from = "read_csv('" + csv + "', header=true, timestampformat='%Y-%m-%d %H:%M:%S')";
        List<Object> s = DuckDb.query("""
                SELECT count(*),
                  avg(CASE WHEN passenger_count = 0 THEN 1 ELSE 0 END),
                  count(*) FILTER (WHERE passenger_count IS NULL),
                  count(*) FILTER (WHERE fare_amount < 0),
                  avg(CASE WHEN tip_amount > 0 THEN 1 ELSE 0 END) FILTER (WHERE payment_type = 1),
                  max(tip_amount) FILTER (WHERE payment_type = 2),
                  corr(trip_distance, fare_amount),
                  min(tpep_pickup_datetime), max(tpep_pickup_datetime),
                  count(*) FILTER (WHERE tpep_dropoff_datetime < tpep_pickup_datetime)
                FROM %s""".formatted(from)).getFirst();
        assertEquals(50_000L, ((Number) s.get(0)).longValue());
        double zeroShare = ((Number) s.get(1)).doubleValue();
        assertTrue(zeroShare > 0.01 && zeroShare < 0.03, "passenger_count = 0 share " + zeroShare);
        assertEquals(3_500L, ((Number) s.get(2)).longValue(), "the last 7 % of rows miss passenger_count");
        assertTrue(((Number) s.get(3)).longValue() > 0, "a few refunds with negative fares");
        assertTrue(((Number) s.get(4)).doubleValue() > 0.7, "most card payments tip");
        assertEquals(0.0, ((Number) s.get(5)).doubleValue(), "cash payments record no tip");
        assertTrue(((Number) s.get(6)).doubleValue() > 0.8, "fares follow distance, corr " + s.get(6));
        assertTrue(s.get(7).toString().startsWith("2021-01-01"), "first pickup " + s.get(7));
        assertTrue(s.get(8).toString().startsWith("2021-01-31"), "last pickup " + s.get(8));
        assertEquals(0L, ((Number) s.get(9)).longValue(), "no drop-off before its pickup");
    }

    @Test
    void writesParquetWithTimestampAndNumericTypesForEveryService() throws Exception {
        Map<Service, Map<String, String>> expected = Map.of(
                Service.YELLOW, Map.of("tpep_pickup_datetime", "TIMESTAMP", "passenger_count", "BIGINT",
                        "fare_amount", "DOUBLE", "store_and_fwd_flag", "VARCHAR", "airport_fee", "DOUBLE"),
                Service.GREEN, Map.of("lpep_dropoff_datetime", "TIMESTAMP", "ehail_fee", "DOUBLE", "trip_type", "BIGINT"),
                Service.FHV, Map.of("pickup_datetime", "TIMESTAMP", "dropOff_datetime", "TIMESTAMP",
                        "PUlocationID", "BIGINT", "dispatching_base_num", "VARCHAR", "SR_Flag", "BIGINT"));
        for (Service service : Service.values()) {
            MonthSpec month = MonthSpec.of(service, 2021, 3);
            Path file = dir.resolve(month.baseName() + ".parquet");
            MonthFiles.writeParquet(month, GeneratorOptions.rows(12_345), file, ParquetOptions.defaults());
            Map<String, String> types = DuckDb.parquetTypes(file);
            assertEquals(TaxiSchema.canonical(service).columns().stream().map(Column::name).toList(),
                    List.copyOf(types.keySet()), service + " column order");
            expected.get(service).forEach((col, type) -> assertEquals(type, types.get(col), service + "." + col));
            assertEquals(12_345, DuckDb.parquetRows(file), service + " rows");
        }
    }

    @Test
    void writesZstdCompressedParquetThatDuckDbReads() throws Exception {
        Path file = dir.resolve("z.parquet");
        MonthFiles.writeParquet(JAN, GeneratorOptions.rows(10_000), file,
                ParquetOptions.defaults().withCodec(org.apache.parquet.hadoop.metadata.CompressionCodecName.ZSTD));
        assertEquals(10_000, DuckDb.parquetRows(file));
        assertEquals("ZSTD", DuckDb.scalar("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')"));
    }

    @Test
    void writesDriftedParquetWithDoublePassengerCountInt32AirportFeeAndNoEhailFee() throws Exception {
        Path yellow = dir.resolve("y.parquet"), green = dir.resolve("g.parquet");
        GeneratorOptions drift = GeneratorOptions.rows(5_000).withDrift(DriftProfile.ALL);
        MonthFiles.writeParquet(JAN, drift, yellow, ParquetOptions.defaults());
        MonthFiles.writeParquet(MonthSpec.of(Service.GREEN, 2021, 1), drift, green, ParquetOptions.defaults());
        Map<String, String> y = DuckDb.parquetTypes(yellow);
        assertEquals("DOUBLE", y.get("passenger_count"));
        assertEquals("INTEGER", y.get("airport_fee"));
        assertEquals(0L, DuckDb.scalar("SELECT count(airport_fee) FROM read_parquet('" + yellow + "')"));
        assertTrue(!DuckDb.parquetTypes(green).containsKey("ehail_fee"));
    }

    private static byte[] sha256(Path p) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
    }
}
