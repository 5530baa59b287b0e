package io.flowcore.examples.taxi;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.ShrinkGuard;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.RowFilter;
import io.flowcore.data.postgres.PostgresLoader;
import io.flowcore.data.postgres.SqlIdentifiers;
import io.flowcore.examples.taxi.TaxiFiles.Download;
import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.TaxiSchema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The lesson's {@code ingest_data.py}: web → PostgreSQL through the SQL block, with binary COPY.
 * Loading a month replaces that month's rows in one transaction, so a re-run never duplicates it.
 */
public class IngestData {

    /** What the transform kept. */
    public record Transformed(Path parquet, ConversionSummary summary, long missingAfter) {
    }

    @Task(retries = 3, retryDelaySeconds = {2, 10}, cache = CacheMode.INPUTS, cacheExpirationSeconds = 86_400)
    public Download extractData(String url, Path downloads) throws IOException {
        return TaxiFiles.download(url, downloads);
    }

    /** Drops rows with passenger_count = 0 (and rows outside the month), logging the count before and after. */
    @Task
    public Transformed transformData(Download data, MonthSpec month, Path workDir) throws IOException {
        Path out = workDir.resolve("ingest").resolve(month.baseName() + ".parquet");
        Files.createDirectories(out.getParent());
        long[] zeros = new long[2]; // before, after
        FileConverter converter = new FileConverter(ConversionOptions.defaults()
                .withRejectsFile(out.resolveSibling(month.baseName() + ".rejects.csv"))
                .withFilter(schema -> {
                    int col = schema.indexOf("passenger_count");
                    RowFilter month1 = TaxiFiles.inMonth(schema, month);
                    if (col < 0) return month1;
                    RowFilter nonZero = TaxiSchema.dropZeroPassengerCount(schema);
                    return (b, r) -> {
                        boolean zero = !b.isNull(col, r) && b.getAsLong(col, r) == 0;
                        if (zero) zeros[0]++;
                        boolean keep = month1.test(b, r) && nonZero.test(b, r);
                        if (keep && zero) zeros[1]++;
                        return keep;
                    };
                }));
        var log = RunContext.logger();
        ConversionSummary s = converter.toParquet(data.verifiedFile(), TaxiSchema.canonical(month.service()), out, ParquetOptions.defaults());
        log.info("pre: missing passenger count: {}", zeros[0]);
        log.info("post: missing passenger count: {}", zeros[1]);
        if (s.rowsRejected() > 0) log.warn("{} bad rows written to {}", s.rowsRejected(), s.rejectsFile());
        return new Transformed(out, s, zeros[1]);
    }

    /**
     * Replaces the month's rows in {@code tableName}. A month that would lose more than half of its rows
     * (an empty or mislabelled source) is refused unless {@code force}, and the table keeps the month.
     */
    @Task(retries = 3, retryDelaySeconds = 2)
    public long loadData(String tableName, Transformed data, MonthSpec month, String sqlBlock, boolean force)
            throws IOException {
        SqlIdentifiers.quoteQualified(tableName, "table name"); // refused before any work, naming the name
        SqlConnector db = RunContext.current().block(sqlBlock, SqlConnector.class);
        try (Connection c = db.connection()) {
            ConversionSummary s = new PostgresLoader(ConversionOptions.defaults().withMaxBadRowShare(0))
                    .loadReplacing(c, tableName, data.parquet(), TaxiSchema.canonical(month.service()), TaxiFiles.pickupColumnName(month),
                            month.start(), month.start().plusMonths(1),
                            force ? ShrinkGuard.defaults().force() : ShrinkGuard.defaults());
            RunContext.logger().info("loaded {} rows of {} into {} in {} s ({} rows/s)", s.rowsWritten(), month,
                    tableName, s.elapsed().toMillis() / 1000.0, Math.round(s.rowsPerSecond()));
            return s.rowsWritten();
        } catch (SQLException e) {
            throw new IOException("cannot connect with block '" + sqlBlock + "': " + e.getMessage(), e);
        } catch (PartitionShrinkException e) {
            throw TaxiFiles.withForceHint(e);
        }
    }

    /**
     * Runs Ingest Data as the lesson's script does, into the saved SQL block {@code postgres-connector};
     * runnable from an IDE. Arguments: table, color, year, month (default: yellow_taxi_trips yellow 2021 1).
     */
    public static void main(String[] args) {
        String table = args.length > 0 ? args[0] : "yellow_taxi_trips";
        String color = args.length > 1 ? args[1] : "yellow";
        int year = args.length > 2 ? Integer.parseInt(args[2]) : 2021;
        int month = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        TaxiSettings settings = TaxiSettings.lessonDefaults(TaxiSettings.sourceFromEnvironment(), Path.of("work"));
        var run = io.flowcore.engine.Flowcore.run(IngestData.class, f -> f.ingest(table, year, month, color, settings));
        System.out.println(run + (run.isCompleted() ? ": " + run.result() + " rows" : ""));
        io.flowcore.engine.Flowcore.shared().close();
        if (!run.isCompleted()) System.exit(1);
    }

    @Flow(name = "Subflow", flowRunName = "subflow-{tableName}")
    public void logSubflow(String tableName) {
        RunContext.logger().info("Logging Subflow for: {}", tableName);
    }

    /** {@link #ingest(String, int, int, String, TaxiSettings, boolean)} without force: a shrinking month is refused. */
    public long ingest(String tableName, int year, int month, String color, TaxiSettings settings) throws IOException {
        return ingest(tableName, year, month, color, settings, false);
    }

    /**
     * Downloads one month and replaces its rows in {@code tableName}.
     *
     * @param force replace the month even when the new data has no rows or fewer than half of the rows the
     *              table holds for it (by default such a load fails and the month is kept)
     */
    @Flow(name = "Ingest Data", flowRunName = "ingest-{tableName}-{year}-{month}")
    public long ingest(String tableName, @Min(TaxiMonth.FIRST_YEAR) int year, @Min(1) @Max(12) int month,
                       @NotNull @Pattern(regexp = TaxiMonth.COLORS) String color, TaxiSettings settings, boolean force)
            throws IOException {
        MonthSpec m = TaxiMonth.validate(java.util.List.of(month), year, color).getFirst();
        logSubflow(tableName);
        Download raw = extractData(TaxiFiles.csvUrl(settings, m), settings.workDir().resolve("downloads"));
        Transformed data = transformData(raw, m, settings.workDir());
        return loadData(tableName, data, m, settings.sqlBlock(), force);
    }
}
