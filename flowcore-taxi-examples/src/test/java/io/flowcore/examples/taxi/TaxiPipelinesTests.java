package io.flowcore.examples.taxi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.block.Secret;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.flowcore.blocks.local.DuckDbWarehouse;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import io.flowcore.examples.taxi.EtlParentFlow.MonthResult;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The taxi flows end to end: real HTTP downloads, Parquet read back by DuckDB, a real PostgreSQL. */
@DisplayName("the taxi pipelines")
class TaxiPipelinesTests {
    static final int ROWS = 20_000;
    @TempDir
    static Path home;
    static TaxiDataServer server;
    static Flowcore fc;
    static TaxiSettings settings;

    @BeforeAll
    static void start() throws Exception {
        server = TaxiDataServer.start(ServerOptions.defaults(home.resolve("source")).withMonths(GeneratorOptions.rows(ROWS)));
        fc = Flowcore.create(cfg -> cfg.home(home).sleeper(d -> { })); // retries without waiting
        fc.blocks().save("lake", LocalLake.at(home.resolve("lake")));
        fc.blocks().save("warehouse", DuckDbWarehouse.at(home.resolve("warehouse.duckdb")));
        settings = new TaxiSettings(server.baseUri().toString(), home.resolve("work"), "lake", "warehouse", "rides", "pg");
    }

    @AfterAll
    static void stop() {
        if (fc != null) fc.close();
        if (server != null) server.close();
    }

    private static long duckdb(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theParentFlowLandsEachMonthInTheLakeAndTheWarehouseAndARerunChangesNoCounts() throws Exception {
        FlowRun<List<MonthResult>> first = fc.execute(EtlParentFlow.class,
                f -> f.etlParentFlow(List.of(1, 2), 2021, "yellow", settings));
        assertEquals(StateType.COMPLETED, first.state().type(), String.valueOf(first.error()));
        assertEquals(2, first.result().size());
        for (MonthResult r : first.result()) {
            assertEquals(ROWS, r.rowsRead());
            assertEquals(r.rowsInLake(), r.rowsInWarehouse());
        }
        Path lakeFile = home.resolve("lake/data/yellow/yellow_tripdata_2021-01.parquet");
        // an independent reader: DuckDB reads the lake's Parquet with real timestamp types
        assertEquals(first.result().getFirst().rowsInLake(), duckdb("SELECT count(*) FROM read_parquet('" + lakeFile + "')"));
        assertEquals(1, duckdb("SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet('" + lakeFile + "')) "
                + "WHERE column_name = 'tpep_pickup_datetime' AND column_type LIKE 'TIMESTAMP%'"));

        FlowRun<List<MonthResult>> again = fc.execute(EtlParentFlow.class,
                f -> f.etlParentFlow(List.of(1, 2), 2021, "yellow", settings));
        assertEquals(StateType.COMPLETED, again.state().type(), String.valueOf(again.error()));
        DuckDbWarehouse warehouse = fc.blocks().load("warehouse", DuckDbWarehouse.class);
        long inLake = first.result().stream().mapToLong(MonthResult::rowsInLake).sum();
        assertEquals(inLake, ((Number) warehouse.query("SELECT count(*) AS n FROM rides_yellow").getFirst().get("n")).longValue(),
                "a re-run must replace its months, not add to them");

        ObjectStorageBlock lake = fc.blocks().load("lake", LocalLake.class);
        LakeMetadata meta = LakeMetadata.read(lake, "data/yellow/yellow_tripdata_2021-01.parquet").orElseThrow();
        assertEquals(2, meta.version());
        assertEquals(first.result().getFirst().rowsInLake(), meta.rows());
        assertTrue(meta.sourceUrl().endsWith("/yellow/yellow_tripdata_2021-01.csv.gz"), meta.sourceUrl());
        assertEquals(TaxiFiles.sha256(lakeFile), meta.sha256());

        // the second run's downloads came from the task cache
        var secondChildren = fc.history().flowRuns(FlowRunQuery.all().flow("etl-web-to-gcs")).stream()
                .filter(r -> again.id().equals(r.parentFlowRunId())).toList();
        assertEquals(2, secondChildren.size());
        for (var child : secondChildren) {
            assertEquals("Cached", fc.history().taskRuns(child.id()).getFirst().state().name());
        }
    }

    @Test
    void greenAndFhvMonthsGoThroughTheSameFlows() {
        for (String color : List.of("green", "fhv")) {
            FlowRun<List<MonthResult>> run = fc.execute(EtlParentFlow.class,
                    f -> f.etlParentFlow(List.of(3), 2021, color, settings));
            assertEquals(StateType.COMPLETED, run.state().type(), color + ": " + run.error());
            MonthResult r = run.result().getFirst();
            assertEquals(ROWS, r.rowsRead(), color);
            assertEquals(r.rowsInLake(), r.rowsInWarehouse(), color);
        }
    }

    @Test
    void aFailedParentRunResumesWithoutRedoingWhatLanded() {
        TaxiSettings missingWarehouse = new TaxiSettings(server.baseUri().toString(), home.resolve("work-resume"), "lake",
                "warehouse-saved-later", "resumed", "pg");
        FlowRun<List<MonthResult>> failed = fc.execute(EtlParentFlow.class,
                f -> f.etlParentFlow(List.of(4), 2021, "yellow", missingWarehouse));
        assertEquals(StateType.FAILED, failed.state().type());
        assertTrue(failed.state().message().contains("warehouse-saved-later"), failed.state().message());

        fc.blocks().save("warehouse-saved-later", DuckDbWarehouse.at(home.resolve("later.duckdb")));
        FlowRun<Object> resumed = fc.resume(failed.id());

        assertEquals(StateType.COMPLETED, resumed.state().type(), String.valueOf(resumed.error()));
        var landing = fc.history().flowRuns(FlowRunQuery.all().flow("etl-web-to-gcs")).stream()
                .filter(r -> resumed.id().equals(r.parentFlowRunId())).findFirst().orElseThrow();
        assertEquals(List.of("Resumed", "Resumed", "Resumed", "Resumed"),
                fc.history().taskRuns(landing.id()).stream().map(t -> t.state().name()).toList());
    }

    @Test
    void badParametersAreRejectedBeforeAnyWork() {
        var bad = new java.util.LinkedHashMap<Flowcore.FlowCall<EtlParentFlow, List<MonthResult>>, String>();
        bad.put(f -> f.etlParentFlow(List.of(13), 2021, "yellow", settings),
                "parameter 'months[0]' = 13: must be less than or equal to 12");
        bad.put(f -> f.etlParentFlow(List.of(1), 1990, "yellow", settings),
                "parameter 'year' = 1990: must be greater than or equal to 2009");
        bad.put(f -> f.etlParentFlow(List.of(1), 2021, "purple", settings),
                "parameter 'color' = \"purple\": must match \"yellow|green|fhv\"");
        bad.put(f -> f.etlParentFlow(List.of(), 2021, "yellow", settings), "parameter 'months' = []: must not be empty");
        bad.put(f -> f.etlParentFlow(List.of(1), java.time.Year.now().getValue() + 1, "yellow", settings),
                "parameter 'year' is " + (java.time.Year.now().getValue() + 1) + ": TLC trip data exists for 2009..");
        bad.forEach((call, message) -> {
            FlowRun<List<MonthResult>> run = fc.execute(EtlParentFlow.class, call);
            assertEquals(StateType.FAILED, run.state().type());
            assertTrue(run.state().message().contains(message), run.state().message());
            assertTrue(run.taskRuns().isEmpty());
        });
    }

    @Test
    void ingestDataLoadsAMonthIntoPostgresqlAndARerunReplacesIt() throws Exception {
        TestInfra.Postgres pg = TestInfra.postgres();
        String table = "yellow_trips_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        fc.blocks().save("pg", SqlConnector.ofUrl(pg.url(), pg.user(), Secret.of(pg.password())), true);
        try {
            FlowRun<Long> first = fc.execute(IngestData.class, f -> f.ingest(table, 2021, 3, "yellow", settings));
            assertEquals(StateType.COMPLETED, first.state().type(), String.valueOf(first.error()));
            var subflow = fc.history().flowRuns(FlowRunQuery.all().flow("Subflow")).stream()
                    .filter(r -> first.id().equals(r.parentFlowRunId())).findFirst().orElseThrow();
            assertTrue(fc.history().logs(subflow.id()).stream()
                    .anyMatch(l -> l.message().equals("Logging Subflow for: " + table)));
            assertTrue(first.logs().stream().anyMatch(l -> l.message().startsWith("pre: missing passenger count: ")));
            assertTrue(first.logs().stream().anyMatch(l -> l.message().equals("post: missing passenger count: 0")));
            FlowRun<Long> second = fc.execute(IngestData.class, f -> f.ingest(table, 2021, 3, "yellow", settings));
            assertEquals(first.result(), second.result());
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
                 Statement st = c.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE passenger_count = 0) FROM " + table);
                rs.next();
                assertEquals(first.result().longValue(), rs.getLong(1), "a re-run must not duplicate the month");
                assertEquals(0, rs.getLong(2));
            }
        } finally {
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                c.createStatement().execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }
}
