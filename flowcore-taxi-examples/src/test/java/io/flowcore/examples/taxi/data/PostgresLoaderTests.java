package io.flowcore.examples.taxi.data;

import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.ShrinkGuard;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.SchemaDriftException;
import io.flowcore.data.postgres.PostgresLoader;
import io.flowcore.engine.testing.TestInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("PostgresLoader (binary COPY into the real PostgreSQL)")
class PostgresLoaderTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);
    // Unique per run: other builds share the PostgreSQL server.
    private static final String TABLE = "taxidata_test_yellow_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @TempDir
    Path dir;
    Connection pg;

    @BeforeEach
    void connect() throws Exception {
        TestInfra.Postgres cfg = TestInfra.postgres();
        pg = DriverManager.getConnection(cfg.url(), cfg.user(), cfg.password());
        try (Statement st = pg.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    @AfterEach
    void disconnect() throws Exception {
        if (pg == null) return;
        try (Statement st = pg.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE);
        }
        pg.close();
    }

    @Test
    void loadsACsvGzMonthWithTheRightCountsTypesAndValues() throws Exception {
        Path csv = dir.resolve(JAN.baseName() + ".csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(25_000), csv);
        ConversionSummary s = new PostgresLoader(ConversionOptions.defaults()).load(pg, TABLE, csv, TaxiSchema.canonical(Service.YELLOW), true);
        assertEquals(25_000, s.rowsWritten());
        assertEquals(List.of(25_000L, 1_750L), row("SELECT count(*), count(*) FILTER (WHERE passenger_count IS NULL) FROM " + TABLE));
        assertEquals(List.of("timestamp without time zone", "bigint", "text", "double precision"),
                column("SELECT data_type FROM information_schema.columns WHERE table_name = '" + TABLE + "' AND column_name IN"
                        + " ('tpep_pickup_datetime', 'passenger_count', 'fare_amount', 'store_and_fwd_flag') ORDER BY ordinal_position"));
        // The same values as DuckDB reads from the CSV: first row, sums, extremes.
        String agg = "SELECT count(passenger_count), sum(passenger_count), round(sum(total_amount)::numeric, 2)::VARCHAR,"
                + " min(tpep_pickup_datetime)::VARCHAR, max(tpep_dropoff_datetime)::VARCHAR, count(*) FILTER (WHERE fare_amount < 0),"
                + " count(store_and_fwd_flag) FROM ";
        List<Object> duck = DuckDb.query(agg.replace("::numeric", "::DECIMAL(18,2)") + "read_csv('" + csv + "', header=true)").getFirst();
        List<Object> pgRow = row(agg + TABLE);
        for (int i = 0; i < duck.size(); i++) assertEquals(duck.get(i).toString(), pgRow.get(i).toString(), "aggregate " + i);
        String[] first = firstDataLine(csv).split(",", -1);
        assertEquals(List.of(first[1], Long.parseLong(first[0]), Double.parseDouble(first[4]), Double.parseDouble(first[16])),
                row("SELECT tpep_pickup_datetime::text, \"VendorID\", trip_distance, total_amount FROM " + TABLE
                        + " ORDER BY tpep_pickup_datetime LIMIT 1"),
                "the first trip, as in the CSV: " + firstDataLine(csv));
    }

    @Test
    void loadsADriftedParquetMonthAndReplacesInsteadOfAppending() throws Exception {
        Path parquet = dir.resolve(JAN.baseName() + ".parquet");
        MonthFiles.writeParquet(JAN, GeneratorOptions.rows(9_000).withDrift(DriftProfile.ALL), parquet, ParquetOptions.defaults());
        PostgresLoader loader = new PostgresLoader(ConversionOptions.defaults().withFilter(TaxiSchema::dropZeroPassengerCount));
        ConversionSummary first = loader.load(pg, TABLE, parquet, TaxiSchema.canonical(Service.YELLOW), true);
        ConversionSummary again = loader.load(pg, TABLE, parquet, TaxiSchema.canonical(Service.YELLOW), true);
        assertEquals(first.rowsWritten(), again.rowsWritten());
        assertEquals(List.of(first.rowsWritten(), 0L, 0L), row("SELECT count(*), count(*) FILTER (WHERE passenger_count = 0),"
                + " count(airport_fee) FROM " + TABLE));
        assertEquals(9_000 - first.rowsFiltered(), first.rowsWritten());
    }

    @Test
    void leavesThePreviousRowsInPlaceWhenALoadFails() throws Exception {
        Path good = dir.resolve("yellow_tripdata_2021-01.csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(2_000), good);
        PostgresLoader loader = new PostgresLoader(ConversionOptions.defaults());
        loader.load(pg, TABLE, good, TaxiSchema.canonical(Service.YELLOW), true);
        Path bad = dir.resolve("yellow_tripdata_2021-02.csv");
        List<String> lines = new ArrayList<>(List.of(firstLines(good)));
        lines.add(lines.get(5).replaceFirst(",\\d+,", ",2.5,")); // VendorID 2.5: cannot be mapped
        Files.write(bad, lines);
        assertThrows(SchemaDriftException.class, () -> loader.load(pg, TABLE, bad, TaxiSchema.canonical(Service.YELLOW), true));
        assertEquals(List.of(2_000L), row("SELECT count(*) FROM " + TABLE));
        assertTrue(pg.getAutoCommit(), "the connection's auto-commit is restored");
    }

    /** Keeps the rows whose pickup lies in {@code m}, as the Ingest Data flow does. */
    private static ConversionOptions onlyMonth(MonthSpec m) {
        long from = m.start().toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        long to = m.start().plusMonths(1).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        return ConversionOptions.defaults().withFilter(schema -> {
            int col = schema.require("tpep_pickup_datetime");
            return (b, r) -> !b.isNull(col, r) && b.getLong(col, r) >= from && b.getLong(col, r) < to;
        });
    }

    private ConversionSummary replaceJanuary(PostgresLoader loader, Connection c, Path file) throws Exception {
        return loader.loadReplacing(c, TABLE, file, TaxiSchema.canonical(Service.YELLOW), "tpep_pickup_datetime", JAN.start(), JAN.start().plusMonths(1));
    }

    @Test
    void aJanuaryFileHoldingFebruarysTripsIsRefusedAndJanuaryKeepsItsRows() throws Exception {
        Path good = dir.resolve("jan.csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(2_000), good);
        replaceJanuary(new PostgresLoader(onlyMonth(JAN)), pg, good);
        Path mislabelled = dir.resolve("yellow_tripdata_2021-01.csv.gz");
        MonthFiles.writeCsvGz(MonthSpec.of(Service.YELLOW, 2021, 2), GeneratorOptions.rows(2_000), mislabelled);

        // Filtered to January (as Ingest Data does), nothing is left: refused by the shrink guard.
        PartitionShrinkException e = assertThrows(PartitionShrinkException.class,
                () -> replaceJanuary(new PostgresLoader(onlyMonth(JAN)), pg, mislabelled));
        assertTrue(e.getMessage().startsWith("refusing to replace partition tpep_pickup_datetime in [2021-01-01T00:00,"
                + " 2021-02-01T00:00) of table " + TABLE + " (from yellow_tripdata_2021-01.csv.gz): it holds 2000 rows and"
                + " the new data has 0;"), e.getMessage());
        // Unfiltered, its rows fall outside January: refused row by row.
        IOException outside = assertThrows(IOException.class,
                () -> replaceJanuary(new PostgresLoader(ConversionOptions.defaults()), pg, mislabelled));
        assertTrue(outside.getMessage().contains("has tpep_pickup_datetime = 2021-02-01T"), outside.getMessage());
        assertTrue(outside.getMessage().contains("outside tpep_pickup_datetime in [2021-01-01T00:00, 2021-02-01T00:00)"),
                outside.getMessage());
        assertEquals(List.of(2_000L, 2_000L), row("SELECT count(*), count(*) FILTER (WHERE tpep_pickup_datetime < '2021-02-01')"
                + " FROM " + TABLE));

        // Forced, the month is replaced by what the file has in January: nothing.
        assertEquals(0, new PostgresLoader(onlyMonth(JAN)).loadReplacing(pg, TABLE, mislabelled, TaxiSchema.canonical(Service.YELLOW),
                "tpep_pickup_datetime", JAN.start(), JAN.start().plusMonths(1), ShrinkGuard.defaults().force()).rowsWritten());
        assertEquals(List.of(0L), row("SELECT count(*) FROM " + TABLE));
    }

    @Test
    void twoConcurrentReplacementsOfOneMonthLeaveExactlyOneCopy() throws Exception {
        Path jan = dir.resolve("jan.csv.gz");
        MonthFiles.writeCsvGz(JAN, GeneratorOptions.rows(20_000), jan);
        PostgresLoader loader = new PostgresLoader(ConversionOptions.defaults());
        replaceJanuary(loader, pg, jan);
        TestInfra.Postgres cfg = TestInfra.postgres();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> loads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                loads.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(cfg.url(), cfg.user(), cfg.password())) {
                        start.await();
                        return replaceJanuary(loader, c, jan).rowsWritten();
                    }
                }));
            }
            start.countDown();
            for (Future<Long> f : loads) assertEquals(20_000L, f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(20_000L), row("SELECT count(*) FROM " + TABLE));
    }

    private String[] firstLines(Path gz) throws Exception {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n");
        }
    }

    private String firstDataLine(Path gz) throws Exception {
        return firstLines(gz)[1];
    }

    private List<Object> row(String sql) throws Exception {
        try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
            return row;
        }
    }

    private List<Object> column(String sql) throws Exception {
        try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<Object> col = new ArrayList<>();
            while (rs.next()) col.add(rs.getObject(1));
            return col;
        }
    }
}
