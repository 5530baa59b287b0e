package io.flowcore.examples.taxi;

import io.flowcore.api.block.Secret;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.FlowcoreHome;
import io.flowcore.engine.Worker;
import io.flowcore.examples.taxi.EtlParentFlow.MonthResult;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README's main job, offline, on embedded defaults: a local HTTP server serves generated TLC months
 * under the real URL layout; the parent flow lands yellow 2021-01 and 2021-02 as Parquet in a local
 * lake and loads them into an embedded DuckDB warehouse; Ingest Data loads 2021-01 into PostgreSQL
 * (the one in {@code FLOWCORE_PG_URL}, else an embedded PostgreSQL) with COPY. Prints a summary.
 *
 * <p>Arguments: {@code [rowsPerMonth]}, default the real month sizes (1,369,769 rows for 2021-01).
 * State, blocks, lake and warehouse live under the flowcore home ({@link FlowcoreHome}: {@code $FLOWCORE_HOME},
 * else {@code ~/.flowcore}); run it twice and the counts stay the same (loads replace their month).
 */
public final class TaxiDemo {
    private TaxiDemo() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : -1;
        Path home = FlowcoreHome.resolve();
        ServerOptions serverOptions = ServerOptions.defaults(home.resolve("taxi-source"))
                .withMonths(rows < 0 ? GeneratorOptions.realSize() : GeneratorOptions.rows(rows));
        EmbeddedPostgres embedded = null;
        try (TaxiDataServer server = TaxiDataServer.start(serverOptions);
             Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            Blocks blocks = fc.blocks();
            String pgUrl = System.getenv("FLOWCORE_PG_URL");
            TaxiLocal.saveLocalBlocks(blocks, home);
            if (pgUrl == null || pgUrl.isBlank()) {
                System.out.println("FLOWCORE_PG_URL is not set: starting an embedded PostgreSQL");
                embedded = EmbeddedPostgres.builder().start();
                blocks.save("taxi-postgres", SqlConnector.ofUrl(embedded.getJdbcUrl("postgres", "postgres"), "postgres",
                        Secret.of("postgres")), true); // its port changes every start
            }
            TaxiSettings settings = new TaxiSettings(server.baseUri().toString(), home.resolve("taxi"), "taxi-lake",
                    "taxi-warehouse", "rides", "taxi-postgres");

            FlowRun<List<MonthResult>> parent = fc.execute(EtlParentFlow.class,
                    f -> f.etlParentFlow(List.of(1, 2), 2021, "yellow", settings));
            long t0 = System.nanoTime();
            FlowRun<Long> ingest = fc.execute(IngestData.class,
                    f -> f.ingest("yellow_taxi_trips", 2021, 1, "yellow", settings));
            double ingestSeconds = (System.nanoTime() - t0) / 1e9;

            System.out.println();
            System.out.println("etl-parent-flow: " + parent.state() + "   (web -> lake " + home.resolve("lake")
                    + " -> warehouse " + home.resolve("warehouse.duckdb") + ")");
            if (parent.isCompleted()) {
                System.out.printf(Locale.ROOT, "%-8s %10s %9s %10s %10s %12s %8s %10s%n", "month", "rows read", "rejected",
                        "outside", "in lake", "in warehouse", "time s", "rows/s");
                for (MonthResult r : parent.result()) {
                    System.out.printf(Locale.ROOT, "%-8s %10d %9d %10d %10d %12d %8.1f %10.0f%n",
                            r.month().year() + "-" + String.format("%02d", r.month().month()), r.rowsRead(), r.rowsRejected(),
                            r.rowsOutsideMonth(), r.rowsInLake(), r.rowsInWarehouse(), r.seconds(), r.rowsRead() / r.seconds());
                }
            } else {
                System.out.println("  failed: " + parent.state().message());
            }
            System.out.println("Ingest Data (yellow 2021-01 -> PostgreSQL table yellow_taxi_trips): " + ingest.state()
                    + (ingest.isCompleted() ? String.format(Locale.ROOT, ", %d rows in %.1f s", ingest.result(), ingestSeconds)
                    : ""));
            boolean deployed = runAsDeployment(fc, settings);
            boolean inChild = runInAChildJvm(fc);
            if (!parent.isCompleted() || !ingest.isCompleted() || !deployed || !inChild) System.exit(1);
        } finally {
            if (embedded != null) embedded.close();
        }
    }

    /**
     * Orchestration: the parent flow as the deployment {@code etl-parent-flow/monthly}; a run of it is
     * created (as {@code flowcore deployment run} would) and executed by a worker in this JVM.
     */
    private static boolean runAsDeployment(Flowcore fc, TaxiSettings settings) throws InterruptedException {
        fc.deployments().apply(Deployment.of(EtlParentFlow.class, "etlParentFlow", "monthly").withWorkQueue("taxi")
                .withParameters(Map.of("year", 2021, "color", "yellow", "months", List.of(1), "force", false)));
        FlowRunRecord queued = fc.deployments().run("etl-parent-flow/monthly", Map.of("settings", settings));
        try (Worker worker = fc.worker(o -> o.queues("taxi"))) {
            worker.runOnce();
        }
        FlowRunRecord done = fc.history().flowRun(queued.id()).orElseThrow();
        System.out.println("deployment etl-parent-flow/monthly, run '" + done.name() + "' by a worker: "
                + fc.history().stateHistory(done.id()).stream().map(c -> c.state().name())
                        .collect(java.util.stream.Collectors.joining(" -> ")));
        return done.state().type() == io.flowcore.api.state.StateType.COMPLETED;
    }

    /**
     * The process infrastructure: a deployment whose runs a worker starts in a JVM of their own (as
     * {@code yearly-report/process} of the examples' flowcore.yaml); its states and the child's pid are printed.
     */
    private static boolean runInAChildJvm(Flowcore fc) throws InterruptedException {
        fc.deployments().apply(Deployment.of(io.flowcore.examples.MonthlyReport.class, "yearlyReport", "process-demo")
                .withWorkQueue("demo").withParameters(Map.of("year", 2021, "months", List.of(1, 2, 3)))
                .withInfrastructure(io.flowcore.api.deployment.Infrastructure.process()
                        .with("jvmOptions", List.of("-Xmx256m"))));
        FlowRunRecord queued = fc.deployments().run("yearly-report/process-demo", Map.of());
        try (Worker worker = fc.worker(o -> o.queues("demo").noScheduler())) {
            worker.runOnce();
        }
        FlowRunRecord done = fc.history().flowRun(queued.id()).orElseThrow();
        String started = fc.history().logs(done.id()).stream().map(io.flowcore.api.run.RunLog::message)
                .filter(m -> m.startsWith("Started on infrastructure")).findFirst().orElse("not started");
        System.out.println("deployment yearly-report/process-demo, run '" + done.name() + "' in a child JVM ("
                + started.replace("Started on infrastructure ", "") + "): "
                + fc.history().stateHistory(done.id()).stream().map(c -> c.state().name())
                        .collect(java.util.stream.Collectors.joining(" -> ")));
        return done.state().type() == io.flowcore.api.state.StateType.COMPLETED;
    }
}
