package io.flowcore.examples.taxi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.flowcore.api.block.Secret;
import io.flowcore.api.state.StateType;
import io.flowcore.blocks.local.DuckDbWarehouse;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import io.flowcore.examples.taxi.EtlParentFlow.MonthResult;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.MonthFiles;
import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.Service;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mislabelled month as a user meets it: January is loaded, then the source serves February's trips
 * under January's name. Real HTTP servers, the local lake, embedded DuckDB and the real PostgreSQL.
 */
@DisplayName("a mislabelled month")
class MislabelledMonthTests {
    static final int ROWS = 5_000;
    static final String JAN_KEY = "data/yellow/yellow_tripdata_2021-01.parquet";

    @TempDir
    Path home;
    TaxiDataServer goodSource;
    HttpServer mislabelledSource;
    Flowcore fc;
    TaxiSettings good;
    TaxiSettings mislabelled;

    @BeforeEach
    void start() throws Exception {
        goodSource = TaxiDataServer.start(ServerOptions.defaults(home.resolve("source")).withMonths(GeneratorOptions.rows(ROWS)));
        // February's trips, served under January's name.
        Path folder = home.resolve("mislabelled");
        Path jan = folder.resolve("yellow/yellow_tripdata_2021-01.csv.gz");
        Files.createDirectories(jan.getParent());
        MonthFiles.writeCsvGz(MonthSpec.of(Service.YELLOW, 2021, 2), GeneratorOptions.rows(ROWS), jan);
        mislabelledSource = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        mislabelledSource.createContext("/", ex -> {
            try (ex) {
                Path f = folder.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
                if (!f.startsWith(folder) || !Files.isRegularFile(f)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.sendResponseHeaders(200, Files.size(f));
                try (OutputStream out = ex.getResponseBody()) {
                    Files.copy(f, out);
                }
            }
        });
        mislabelledSource.start();
        fc = Flowcore.create(cfg -> cfg.home(home.resolve("home")).sleeper(d -> { }));
        fc.blocks().save("lake", LocalLake.at(home.resolve("lake")));
        fc.blocks().save("warehouse", DuckDbWarehouse.at(home.resolve("warehouse.duckdb")));
        TestInfra.Postgres pg = TestInfra.postgres();
        fc.blocks().save("pg", SqlConnector.ofUrl(pg.url(), pg.user(), Secret.of(pg.password())));
        good = new TaxiSettings(goodSource.baseUri().toString(), home.resolve("work"), "lake", "warehouse", "rides", "pg");
        String mislabelledUrl = "http://127.0.0.1:" + mislabelledSource.getAddress().getPort();
        mislabelled = new TaxiSettings(mislabelledUrl, home.resolve("work-2"), "lake", "warehouse", "rides", "pg");
    }

    @AfterEach
    void stop() {
        if (fc != null) {
            fc.blocks().load("pg", SqlConnector.class).close();
            fc.close();
        }
        if (mislabelledSource != null) mislabelledSource.stop(0);
        if (goodSource != null) goodSource.close();
    }

    long januaryInWarehouse() {
        DuckDbWarehouse wh = fc.blocks().load("warehouse", DuckDbWarehouse.class);
        return ((Number) wh.query("SELECT count(*) AS n FROM rides_yellow WHERE month(tpep_pickup_datetime) = 1")
                .getFirst().get("n")).longValue();
    }

    LakeMetadata januaryInLake() {
        return LakeMetadata.read(fc.blocks().load("lake", LocalLake.class), JAN_KEY).orElseThrow();
    }

    static long count(String sql) throws Exception {
        TestInfra.Postgres pg = TestInfra.postgres();
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void failsTheParentFlowAndKeepsJanuaryInTheLakeAndTheWarehouse() {
        FlowRun<List<MonthResult>> first = fc.execute(EtlParentFlow.class, f -> f.etlParentFlow(List.of(1), 2021, "yellow", good));
        assertEquals(StateType.COMPLETED, first.state().type(), String.valueOf(first.error()));
        long january = first.result().getFirst().rowsInWarehouse();
        assertTrue(january > ROWS / 2, "January landed: " + january);

        FlowRun<List<MonthResult>> bad = fc.execute(EtlParentFlow.class,
                f -> f.etlParentFlow(List.of(1), 2021, "yellow", mislabelled));
        assertEquals(StateType.FAILED, bad.state().type());
        String message = bad.state().message();
        assertTrue(message.contains("refusing to replace lake object '" + JAN_KEY + "' in block 'lake': it holds "
                + january + " rows and the new data has 0;"), message);
        assertTrue(message.contains("run the flow again with force = true"), message);
        assertEquals(january, januaryInWarehouse());
        assertEquals(1, januaryInLake().version());
        assertEquals(january, januaryInLake().rows());
    }

    @Test
    void aForcedLakeStillLeavesTheWarehouseMonthGuardedUntilThatLoadIsForcedToo() {
        FlowRun<List<MonthResult>> first = fc.execute(EtlParentFlow.class, f -> f.etlParentFlow(List.of(1), 2021, "yellow", good));
        assertEquals(StateType.COMPLETED, first.state().type(), String.valueOf(first.error()));
        long january = first.result().getFirst().rowsInWarehouse();

        FlowRun<EtlWebToLake.Landed> landed = fc.execute(EtlWebToLake.class, f -> f.etlWebToGcs(2021, 1, "yellow", mislabelled, true));
        assertEquals(StateType.COMPLETED, landed.state().type(), String.valueOf(landed.error()));
        assertEquals(0, januaryInLake().rows());

        FlowRun<Long> refused = fc.execute(EtlLakeToWarehouse.class, f -> f.etlGcsToBq(2021, 1, "yellow", mislabelled));
        assertEquals(StateType.FAILED, refused.state().type());
        assertTrue(refused.state().message().contains("refusing to replace partition 202101 of table 'rides_yellow' in"
                + " duck-db-warehouse "), refused.state().message());
        assertTrue(refused.state().message().contains("it holds " + january + " rows and the new data has 0;"),
                refused.state().message());
        assertEquals(january, januaryInWarehouse());

        FlowRun<Long> forced = fc.execute(EtlLakeToWarehouse.class, f -> f.etlGcsToBq(2021, 1, "yellow", mislabelled, true));
        assertEquals(StateType.COMPLETED, forced.state().type(), String.valueOf(forced.error()));
        assertEquals(0, januaryInWarehouse());
    }

    @Test
    void failsIngestDataAndKeepsJanuaryInPostgresql() throws Exception {
        String table = "yellow_trips_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            FlowRun<Long> first = fc.execute(IngestData.class, f -> f.ingest(table, 2021, 1, "yellow", good));
            assertEquals(StateType.COMPLETED, first.state().type(), String.valueOf(first.error()));
            long january = first.result();

            FlowRun<Long> bad = fc.execute(IngestData.class, f -> f.ingest(table, 2021, 1, "yellow", mislabelled));
            assertEquals(StateType.FAILED, bad.state().type());
            String message = bad.state().message();
            assertTrue(message.contains("refusing to replace partition tpep_pickup_datetime in [2021-01-01T00:00,"
                    + " 2021-02-01T00:00) of table " + table + " (from yellow_tripdata_2021-01.parquet): it holds " + january
                    + " rows and the new data has 0;"), message);
            assertTrue(message.contains("run the flow again with force = true"), message);
            assertEquals(january, count("SELECT count(*) FROM " + table + " WHERE tpep_pickup_datetime < '2021-02-01'"));
            assertEquals(january, count("SELECT count(*) FROM " + table));
        } finally {
            TestInfra.Postgres pg = TestInfra.postgres();
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                c.createStatement().execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }
}
