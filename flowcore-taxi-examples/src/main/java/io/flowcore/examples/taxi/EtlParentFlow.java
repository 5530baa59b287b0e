package io.flowcore.examples.taxi;

import io.flowcore.api.Flow;
import io.flowcore.api.Flows;
import io.flowcore.examples.taxi.data.MonthSpec;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lesson's {@code etl_parent_flow}: one web → lake subflow and one lake → warehouse subflow per
 * month. Its parameters' constraints are checked before any work, and a deployment's run is checked
 * against them before it is queued (month 13, year 1990, color "purple" are refused naming the parameter).
 */
public class EtlParentFlow {
    private final EtlWebToLake webToLake = Flows.create(EtlWebToLake.class);
    private final EtlLakeToWarehouse lakeToWarehouse = Flows.create(EtlLakeToWarehouse.class);

    /** What happened to one month. */
    public record MonthResult(MonthSpec month, long rowsRead, long rowsRejected, long rowsOutsideMonth,
                              long rowsInLake, int lakeVersion, long rowsInWarehouse, double seconds) {
    }

    /**
     * Runs the parent flow as the lesson's script does, against the saved blocks {@code zoom-gcs} and
     * {@code zoom-bq} (see docs/taxi-pipelines.md); runnable from an IDE. Arguments: color, year, months…
     * (default: yellow 2021 1 2 3). The source is {@code $FLOWCORE_TAXI_SOURCE}, else the course's CSV backup.
     */
    public static void main(String[] args) {
        String color = args.length > 0 ? args[0] : "yellow";
        int year = args.length > 1 ? Integer.parseInt(args[1]) : 2021;
        List<Integer> months = args.length > 2
                ? java.util.Arrays.stream(args, 2, args.length).map(Integer::valueOf).toList() : List.of(1, 2, 3);
        TaxiSettings settings = TaxiSettings.lessonDefaults(TaxiSettings.sourceFromEnvironment(), java.nio.file.Path.of("work"));
        var run = io.flowcore.engine.Flowcore.run(EtlParentFlow.class, f -> f.etlParentFlow(months, year, color, settings));
        System.out.println(run + (run.isCompleted() ? " " + run.result() : ""));
        io.flowcore.engine.Flowcore.shared().close();
        if (!run.isCompleted()) System.exit(1);
    }

    /** {@link #etlParentFlow(List, int, String, TaxiSettings, boolean)} without force: a shrinking month is refused. */
    public List<MonthResult> etlParentFlow(List<Integer> months, int year, String color, TaxiSettings settings)
            throws IOException {
        return etlParentFlow(months, year, color, settings, false);
    }

    /**
     * Lands each month in the lake and loads it into the warehouse.
     *
     * @param force replace a month in the lake and the warehouse even when its new data has no rows or fewer
     *              than half of the rows already there (by default such a month fails, and both keep it)
     */
    @Flow(name = "etl-parent-flow")
    public List<MonthResult> etlParentFlow(@NotEmpty List<@Min(1) @Max(12) Integer> months,
                                           @Min(TaxiMonth.FIRST_YEAR) int year,
                                           @NotNull @Pattern(regexp = TaxiMonth.COLORS) String color,
                                           TaxiSettings settings, boolean force) throws IOException {
        List<MonthResult> results = new ArrayList<>();
        for (MonthSpec m : TaxiMonth.validate(months, year, color)) {
            long t0 = System.nanoTime();
            EtlWebToLake.Landed landed = webToLake.etlWebToGcs(m.year(), m.month(), color, settings, force);
            long loaded = lakeToWarehouse.etlGcsToBq(m.year(), m.month(), color, settings, force);
            var c = landed.conversion();
            results.add(new MonthResult(m, c.rowsRead(), c.rowsRejected(), c.rowsFiltered(), c.rowsWritten(),
                    landed.version(), loaded, (System.nanoTime() - t0) / 1e9));
        }
        return results;
    }
}
