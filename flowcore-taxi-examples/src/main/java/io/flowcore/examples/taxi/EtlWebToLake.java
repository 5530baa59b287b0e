package io.flowcore.examples.taxi;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.ShrinkGuard;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.examples.taxi.TaxiFiles.Download;
import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.Service;
import io.flowcore.examples.taxi.data.TaxiSchema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The lesson's {@code etl_web_to_gcs}: web → CSV.gz → typed Parquet → data lake, one month, streaming.
 * The lake is whatever object-storage block {@link TaxiSettings#lakeBlock()} names: GCS, S3 or a local folder.
 */
public class EtlWebToLake {

    /** One month landed in the lake. */
    public record Landed(MonthSpec month, String lakeKey, ConversionSummary conversion, int version) {
    }

    @Task(retries = 3, retryDelaySeconds = {2, 10}, cache = CacheMode.INPUTS, cacheExpirationSeconds = 86_400)
    public Download fetch(String datasetUrl, Path downloads) throws IOException {
        return TaxiFiles.download(datasetUrl, downloads);
    }

    /** Typed timestamps and numbers on the service's canonical schema; rows outside the month are dropped and counted. */
    @Task
    public ConversionSummary clean(Download download, MonthSpec month, Path staged) throws IOException {
        Files.createDirectories(staged.getParent());
        FileConverter converter = new FileConverter(ConversionOptions.defaults()
                .withFilter(schema -> TaxiFiles.inMonth(schema, month))
                .withRejectsFile(staged.resolveSibling(month.baseName() + ".rejects.csv")));
        ConversionSummary s = converter.toParquet(download.verifiedFile(), TaxiSchema.canonical(month.service()), staged, ParquetOptions.defaults());
        var log = RunContext.logger();
        log.info("columns: {}", TaxiSchema.canonical(month.service()));
        if (!s.schemaChanges().isEmpty()) log.info("schema changes mapped onto the canonical schema: {}", s.schemaChanges());
        if (s.rowsFiltered() > 0) log.info("dropped {} rows whose pickup is outside {}", s.rowsFiltered(), month);
        if (s.rowsRejected() > 0) log.warn("{} bad rows written to {}", s.rowsRejected(), s.rejectsFile());
        log.info("rows: {}", s.rowsWritten());
        return s;
    }

    /** The lesson's write_local: {@code data/{color}/{color}_tripdata_{yyyy}-{mm}.parquet}, replaced atomically. */
    @Task
    public Path writeLocal(Path staged, MonthSpec month, Path workDir) throws IOException {
        Path target = workDir.resolve(TaxiFiles.dataKey(month));
        Files.createDirectories(target.getParent());
        return Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Uploads to the lake block with its metadata (source, rows, schema, checksum, run, version). A month
     * whose new file has no rows or fewer than half of the rows of the lake's current version (an empty
     * or mislabelled source) is refused unless {@code force}, and the lake keeps its version.
     */
    @Task(retries = 3, retryDelaySeconds = 2)
    public int writeGcs(Path parquet, MonthSpec month, String lakeBlock, String sourceUrl, long rows, boolean force) {
        ObjectStorageBlock lake = RunContext.current().block(lakeBlock, ObjectStorageBlock.class);
        String key = TaxiFiles.dataKey(month);
        Optional<LakeMetadata> current = LakeMetadata.read(lake, key);
        ShrinkGuard guard = force ? ShrinkGuard.defaults().force() : ShrinkGuard.defaults();
        try {
            guard.check("lake object '" + key + "' in block '" + lakeBlock + "'", null,
                    current.map(LakeMetadata::rows).orElse(0L), rows);
        } catch (PartitionShrinkException e) {
            throw TaxiFiles.withForceHint(e);
        }
        int version = current.map(m -> m.version() + 1).orElse(1);
        lake.upload(parquet, key);
        new LakeMetadata(key, sourceUrl, rows, TaxiSchema.canonical(month.service()).parquetSchema().toString(),
                TaxiFiles.sha256(parquet), RunContext.current().flowRunId(), version, Instant.now()).write(lake);
        RunContext.logger().info("uploaded {} to lake block '{}' (version {})", key, lakeBlock, version);
        return version;
    }

    /** {@link #etlWebToGcs(int, int, String, TaxiSettings, boolean)} without force: a shrinking month is refused. */
    public Landed etlWebToGcs(int year, int month, String color, TaxiSettings settings) throws IOException {
        return etlWebToGcs(year, month, color, settings, false);
    }

    /**
     * Lands one month in the lake.
     *
     * @param force replace the lake's month even when the new file has no rows or fewer than half of the
     *              rows of the current version (by default such a month fails and the lake keeps its version)
     */
    @Flow(name = "etl-web-to-gcs", flowRunName = "web-to-lake-{color}-{year}-{month}")
    public Landed etlWebToGcs(@Min(TaxiMonth.FIRST_YEAR) int year, @Min(1) @Max(12) int month,
                              @NotNull @Pattern(regexp = TaxiMonth.COLORS) String color, TaxiSettings settings,
                              boolean force) throws IOException {
        MonthSpec m = MonthSpec.of(Service.ofColor(color), year, month);
        String url = TaxiFiles.csvUrl(settings, m);
        Download download = fetch(url, settings.workDir().resolve("downloads"));
        Path staged = settings.workDir().resolve("staging").resolve(m.baseName() + ".parquet");
        ConversionSummary summary = clean(download, m, staged);
        Path local = writeLocal(staged, m, settings.workDir());
        int version = writeGcs(local, m, settings.lakeBlock(), url, summary.rowsWritten(), force);
        return new Landed(m, TaxiFiles.dataKey(m), summary, version);
    }
}
