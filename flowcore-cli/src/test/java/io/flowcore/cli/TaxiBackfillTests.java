package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The schedules section of docs/deployments.md: {@code deployment backfill etl-parent-flow/monthly --from
 * 2021-02-01 --to 2021-04-01} on the examples' flowcore.yaml, offline against the examples' data server,
 * executed by a worker.
 */
@DisplayName("a backfill of the examples' monthly taxi deployment")
class TaxiBackfillTests extends CliTestSupport {

    @Test
    void threeRunsLoadJanuaryFebruaryAndMarchEachItsMonthAndARerunCreatesNothing() throws Exception {
        try (TaxiDataServer server = TaxiDataServer.start(ServerOptions.defaults(home.resolve("taxi-source"))
                .withMonths(GeneratorOptions.rows(2_000)))) {
            // the examples' file as it is, pointed at this test's server (a free port, not 18770)
            String yaml = Files.readString(Path.of("..", "flowcore-taxi-examples", "flowcore.yaml"))
                    .replace("http://127.0.0.1:" + ServerOptions.DEFAULT_PORT, server.baseUri().toString().replaceAll("/$", ""));
            Path file = Files.writeString(home.resolve("flowcore.yaml"), yaml);
            assertEquals(0, run("deployment", "apply", file.toString()), err.toString());
            try (io.flowcore.engine.Blocks blocks = io.flowcore.engine.Blocks.open(home)) {
                io.flowcore.examples.taxi.TaxiLocal.saveLocalBlocks(blocks, home);
            }

            String[] backfill = {"deployment", "backfill", "etl-parent-flow/monthly", "--from", "2021-02-01", "--to", "2021-04-01"};
            assertEquals(0, run(backfill), err.toString());
            assertEquals(0, run("worker", "start", "--queue", "taxi", "--run-once", "--no-scheduler"), err.toString());
            assertTrue(out.toString().contains("ran 3 flow runs"), out.toString());

            assertEquals(0, run(backfill), err.toString());
            assertEquals(0, run("worker", "start", "--queue", "taxi", "--run-once", "--no-scheduler"), err.toString());
            assertTrue(out.toString().contains("ran 0 flow runs"), "a second backfill creates nothing: " + out);
        }

        List<FlowRunRecord> runs;
        Map<Integer, List<Integer>> childMonths = new TreeMap<>();
        try (io.flowcore.engine.Flowcore fc = io.flowcore.engine.Flowcore.create(cfg -> cfg.home(home))) {
            runs = new ArrayList<>(fc.history().flowRuns(FlowRunQuery.all().flow("etl-parent-flow")).stream()
                    .filter(r -> r.state().type() != StateType.SCHEDULED) // the schedule's own future runs wait
                    .sorted(Comparator.comparing(FlowRunRecord::createdAt)).toList());
            for (FlowRunRecord child : fc.history().flowRuns(FlowRunQuery.all())) {
                if (child.parentFlowRunId() == null) continue;
                int parent = runs.stream().map(FlowRunRecord::id).toList().indexOf(child.parentFlowRunId());
                childMonths.computeIfAbsent(parent, k -> new ArrayList<>())
                        .add(new ObjectMapper().readTree(child.parametersJson()).get("month").asInt());
            }
        }
        assertEquals(3, runs.size(), runs.toString());
        List<Integer> months = new ArrayList<>();
        for (FlowRunRecord r : runs) {
            assertEquals(StateType.COMPLETED, r.state().type(), r.toString());
            JsonNode p = new ObjectMapper().readTree(r.parametersJson());
            assertEquals(2021, p.get("year").asInt(), r.parametersJson());
            assertEquals(1, p.get("months").size(), r.parametersJson());
            months.add(p.get("months").get(0).asInt());
        }
        assertEquals(List.of(1, 2, 3), months.stream().sorted().toList(), "the runs of 1 Feb, 1 Mar and 1 Apr load the month before");
        for (int k = 0; k < 3; k++) {
            int month = months.get(k);
            assertTrue(childMonths.get(k).stream().allMatch(m -> m == month), "run " + k + " (month " + month
                    + ") ran its subflows for months " + childMonths.get(k));
        }
        // the warehouse holds the three months' rides, each in its month
        Map<Integer, Long> ridesByMonth = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + home.resolve("warehouse.duckdb"));
             ResultSet rs = c.createStatement().executeQuery("SELECT year(tpep_pickup_datetime) * 100 + "
                     + "month(tpep_pickup_datetime), count(*) FROM rides_yellow GROUP BY 1 ORDER BY 1")) {
            while (rs.next()) ridesByMonth.put(rs.getInt(1), rs.getLong(2));
        }
        assertEquals(List.of(202101, 202102, 202103), List.copyOf(ridesByMonth.keySet()), ridesByMonth.toString());
        assertTrue(ridesByMonth.values().stream().allMatch(n -> n > 0), ridesByMonth.toString());
    }
}
