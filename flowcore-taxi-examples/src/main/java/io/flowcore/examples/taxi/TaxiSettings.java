package io.flowcore.examples.taxi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the taxi pipelines read and write. A flow parameter, so it is stored with every run and a
 * resumed run uses the same places.
 *
 * @param sourceBaseUrl  base URL of the course's CSV backup layout ({@code …/{color}/{color}_tripdata_{yyyy}-{mm}.csv.gz});
 *                       the demo's local data server, or the real one
 * @param workDir        local folder: downloads, {@code data/{color}/…parquet} (the lesson's write_local), rejects;
 *                       {@code taxi} under the flowcore home when not given (a deployment's worker has its own home)
 * @param lakeBlock      name of the saved object-storage block (GCS, S3 or a local lake)
 * @param warehouseBlock name of the saved warehouse block (BigQuery or the embedded DuckDB)
 * @param warehouseTable the warehouse table (the lesson's {@code dezoomcamp.rides})
 * @param sqlBlock       name of the saved SQL connector block (Ingest Data)
 */
public record TaxiSettings(String sourceBaseUrl, Path workDir, String lakeBlock, String warehouseBlock,
                           String warehouseTable, String sqlBlock) {

    public TaxiSettings {
        Objects.requireNonNull(sourceBaseUrl, "sourceBaseUrl");
        if (workDir == null) workDir = io.flowcore.engine.FlowcoreHome.resolve().resolve("taxi");
        sourceBaseUrl = sourceBaseUrl.endsWith("/") ? sourceBaseUrl.substring(0, sourceBaseUrl.length() - 1) : sourceBaseUrl;
    }

    /** The course's CSV backup of the TLC data (needs internet). */
    public static final String COURSE_CSV_BACKUP = "https://github.com/DataTalksClub/nyc-tlc-data/releases/download";

    /** {@code $FLOWCORE_TAXI_SOURCE} if set (e.g. a local TaxiDataServer), else {@link #COURSE_CSV_BACKUP}. */
    public static String sourceFromEnvironment() {
        String env = System.getenv("FLOWCORE_TAXI_SOURCE");
        return env == null || env.isBlank() ? COURSE_CSV_BACKUP : env;
    }

    /** The lesson's block names: {@code zoom-gcs}, {@code zoom-bq}, {@code postgres-connector}; table {@code rides}. */
    public static TaxiSettings lessonDefaults(String sourceBaseUrl, Path workDir) {
        return new TaxiSettings(sourceBaseUrl, workDir, "zoom-gcs", "zoom-bq", "rides", "postgres-connector");
    }
}
