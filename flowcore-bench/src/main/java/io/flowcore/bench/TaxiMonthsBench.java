package io.flowcore.bench;

import io.flowcore.blocks.local.DuckDbWarehouse;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.examples.taxi.EtlParentFlow;
import io.flowcore.examples.taxi.TaxiSettings;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Bounded memory across months: runs etl-parent-flow (local HTTP source → Parquet → local lake →
 * DuckDB warehouse) for one month, then for twelve, in one JVM, and prints the peak heap of each.
 * Streaming means the second figure should not grow with the number of months.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh taxi-months [rowsPerMonth]} (default 300,000).
 */
public final class TaxiMonthsBench {
    private TaxiMonthsBench() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
        Path home = Files.createTempDirectory("flowcore-taxi-months-");
        try (TaxiDataServer server = TaxiDataServer.start(ServerOptions.defaults(home.resolve("source"))
                .withMonths(GeneratorOptions.rows(rows)));
             Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            fc.blocks().save("lake", LocalLake.at(home.resolve("lake")));
            fc.blocks().save("warehouse", DuckDbWarehouse.at(home.resolve("warehouse.duckdb")));
            TaxiSettings settings = new TaxiSettings(server.baseUri().toString(), home.resolve("work"), "lake",
                    "warehouse", "rides", "none");
            long one = peakMb(fc, settings, List.of(1));
            long retainedOne = retainedMb();
            long twelve = peakMb(fc, settings, IntStream.rangeClosed(1, 12).boxed().toList());
            long retainedTwelve = retainedMb();
            System.out.printf(Locale.ROOT, "%nrows per month %d, max heap %d MB%n", rows, Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf(Locale.ROOT, "peak heap, 1 month: %d MB; 12 months in one flow run: %d MB (target: flat, <= 256 MB)%n",
                    one, twelve);
            System.out.printf(Locale.ROOT, "heap in use after GC once the run ended: %d MB after 1 month, %d MB after 12%n",
                    retainedOne, retainedTwelve);
            System.out.println("(the peak is the heap just before a collection: it follows the collector's sizing, "
                    + "the retained figure shows nothing accumulates)");
            System.out.printf(Locale.ROOT, "taxi-months rows_per_month=%d peak_heap_1_month_mb=%d peak_heap_12_months_mb=%d "
                    + "retained_1_month_mb=%d retained_12_months_mb=%d%n", rows, one, twelve, retainedOne, retainedTwelve);
        }
    }

    private static long retainedMb() {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    private static long peakMb(Flowcore fc, TaxiSettings settings, List<Integer> months) throws InterruptedException {
        System.gc();
        try (PeakHeap heap = new PeakHeap()) {
            FlowRun<List<EtlParentFlow.MonthResult>> run = fc.execute(EtlParentFlow.class,
                    f -> f.etlParentFlow(months, 2021, "yellow", settings));
            if (!run.isCompleted()) throw new IllegalStateException("etl-parent-flow failed: " + run.state(), run.error());
            return heap.peakMb();
        }
    }
}
