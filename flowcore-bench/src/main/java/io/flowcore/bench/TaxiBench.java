package io.flowcore.bench;

import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.Schema;
import io.flowcore.data.postgres.PostgresLoader;
import io.flowcore.data.postgres.PostgresSql;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.MonthFiles;
import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.Service;
import io.flowcore.examples.taxi.data.TaxiSchema;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The taxi data path on one generated month of yellow trips (January 2021's real size, 1,369,769
 * rows), each figure beside its anchor measured in the same run:
 * <ul>
 *   <li>CSV.gz → Parquet with the lesson's passenger_count filter: flowcore (parquet-java, two threads)
 *       vs DuckDB's JDBC driver doing the same {@code COPY (SELECT … FROM read_csv(…) WHERE …) TO … (FORMAT parquet)};</li>
 *   <li>CSV.gz → PostgreSQL: flowcore's binary COPY vs {@code psql \copy} of the same rows.</li>
 * </ul>
 * Each measurement is the best of {@code rounds} runs (default 3; the first also warms the JIT), and every
 * round is printed.
 * PostgreSQL comes from FLOWCORE_PG_URL/USER/PASSWORD ({@code bash .ci/test-infra.sh up}); without it
 * the PostgreSQL figures are NA.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh taxi [rows] [rounds]}.
 */
public final class TaxiBench {
    private static final MonthSpec MONTH = MonthSpec.of(Service.YELLOW, 2021, 1);
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "flowcore-taxibench");

    private TaxiBench() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : MONTH.realRowCount();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long maxHeapMb = Runtime.getRuntime().maxMemory() >> 20;
        System.out.printf(Locale.ROOT, "taxi-bench: %d rows of %s, best of %d, %d cores, max heap %d MB, java %s%n",
                rows, MONTH, rounds, Runtime.getRuntime().availableProcessors(), maxHeapMb, Runtime.version());
        Path csv = cachedCsv(rows);
        Files.createDirectories(DIR);

        double flowcoreParquet, duckdbParquet;
        double pgLoad = Double.NaN, psqlCopy = Double.NaN;
        String pgWhy = null;
        long peakMb;
        long flowcoreRows = 0, duckRows = 0;
        try (PeakHeap heap = new PeakHeap()) {
            // 1. CSV.gz -> filtered Parquet
            FileConverter converter = new FileConverter(ConversionOptions.defaults().withFilter(TaxiSchema::dropZeroPassengerCount)
                    .withRejectsFile(DIR.resolve("rejects.csv")));
            Path ours = DIR.resolve("flowcore.parquet"), theirs = DIR.resolve("duckdb.parquet");
            flowcoreParquet = Double.MAX_VALUE;
            duckdbParquet = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                ConversionSummary s = converter.toParquet(csv, TaxiSchema.canonical(Service.YELLOW), ours, ParquetOptions.defaults());
                double ourSecs = secs(t0);
                flowcoreParquet = Math.min(flowcoreParquet, ourSecs);
                flowcoreRows = s.rowsWritten();
                t0 = System.nanoTime();
                duckRows = duckdbCsvToParquet(csv, theirs);
                double duckSecs = secs(t0);
                duckdbParquet = Math.min(duckdbParquet, duckSecs);
                System.out.printf(Locale.ROOT, "taxi-bench: round %d CSV.gz -> Parquet: flowcore %.2f s, DuckDB %.2f s%n",
                        r + 1, ourSecs, duckSecs);
            }
            // 2. CSV.gz -> PostgreSQL
            String url = System.getenv("FLOWCORE_PG_URL"), user = System.getenv("FLOWCORE_PG_USER"),
                    password = System.getenv("FLOWCORE_PG_PASSWORD");
            if (url == null || user == null || password == null) {
                pgWhy = "FLOWCORE_PG_URL/USER/PASSWORD not set (run `bash .ci/test-infra.sh up && source /tmp/flowcore-infra/env.sh`)";
            } else {
                double[] pg = postgres(csv, url, user, password, rounds, rows);
                pgLoad = pg[0];
                psqlCopy = pg[1];
            }
            peakMb = heap.peakMb();
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %10s %12s %10s%n", "CSV.gz -> filtered Parquet", "seconds", "rows", "rows/s");
        row("flowcore (parquet-java, 2 threads)", flowcoreParquet, flowcoreRows);
        row("DuckDB JDBC (default threads)", duckdbParquet, duckRows);
        System.out.printf(Locale.ROOT, "  ratio flowcore/DuckDB: %.2f (target <= 1.5)%n%n", flowcoreParquet / duckdbParquet);
        System.out.printf(Locale.ROOT, "%-34s %10s %12s %10s%n", "CSV.gz -> PostgreSQL", "seconds", "rows", "rows/s");
        if (pgWhy != null) {
            System.out.println("  not measured: " + pgWhy);
        } else {
            row("flowcore (binary COPY, 2 threads)", pgLoad, rows);
            row("psql \\copy (CSV)", psqlCopy, rows);
            System.out.printf(Locale.ROOT, "  rate flowcore/psql: %.2f (target >= 0.9)%n", psqlCopy / pgLoad);
        }
        System.out.printf(Locale.ROOT, "%npeak heap %d MB (target <= 256 MB; -Xmx %d MB)%n", peakMb, maxHeapMb);
        System.out.printf(Locale.ROOT, "taxi-bench rows=%d csv_to_parquet_s=%.2f duckdb_csv_to_parquet_s=%.2f pg_load_s=%s psql_copy_s=%s peak_heap_mb=%d%n",
                rows, flowcoreParquet, duckdbParquet, fmt(pgLoad), fmt(psqlCopy), peakMb);
    }

    private static Path cachedCsv(long rows) throws IOException {
        Path csv = DIR.resolve("rows-" + rows).resolve(MONTH.baseName() + ".csv.gz");
        if (Files.exists(csv)) {
            System.out.println("taxi-bench: using cached " + csv);
            return csv;
        }
        long t0 = System.nanoTime();
        MonthFiles.writeCsvGz(MONTH, GeneratorOptions.rows(rows), csv);
        System.out.printf(Locale.ROOT, "taxi-bench: generated %s (%d MB) in %.1f s%n", csv, Files.size(csv) >> 20, secs(t0));
        return csv;
    }

    /** DuckDB: the same filter as the lesson's (drop passenger_count = 0, keep missing ones). */
    private static long duckdbCsvToParquet(Path csv, Path out) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT * FROM read_csv('" + csv + "', header=true, timestampformat='%Y-%m-%d %H:%M:%S')"
                    + " WHERE passenger_count <> 0 OR passenger_count IS NULL) TO '" + out + "' (FORMAT parquet)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + out + "')")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Best-of-rounds seconds of {flowcore binary COPY, psql \copy}, each into an emptied table. */
    private static double[] postgres(Path csv, String url, String user, String password, int rounds, long rows)
            throws Exception {
        Schema schema = TaxiSchema.canonical(Service.YELLOW);
        double ours = Double.MAX_VALUE, psql = Double.MAX_VALUE;
        try (Connection pg = DriverManager.getConnection(url, user, password)) {
            for (String t : List.of("taxibench_flowcore", "taxibench_psql")) {
                try (Statement st = pg.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + t);
                    st.execute(PostgresSql.createTableIfNotExists(t, schema));
                }
            }
            PostgresLoader loader = new PostgresLoader(ConversionOptions.defaults().withRejectsFile(DIR.resolve("rejects-pg.csv")));
            for (int r = 0; r < rounds; r++) {
                truncate(pg, "taxibench_flowcore");
                long t0 = System.nanoTime();
                loader.load(pg, "taxibench_flowcore", csv, TaxiSchema.canonical(Service.YELLOW), false);
                double ourSecs = secs(t0);
                ours = Math.min(ours, ourSecs);
                check(pg, "taxibench_flowcore", rows);

                truncate(pg, "taxibench_psql");
                t0 = System.nanoTime();
                psqlCopy(url, user, password, csv, "taxibench_psql", schema);
                double psqlSecs = secs(t0);
                psql = Math.min(psql, psqlSecs);
                check(pg, "taxibench_psql", rows);
                System.out.printf(Locale.ROOT, "taxi-bench: round %d CSV.gz -> PostgreSQL: flowcore %.2f s, psql \\copy %.2f s%n",
                        r + 1, ourSecs, psqlSecs);
            }
        }
        return new double[] {ours, psql};
    }

    private static void psqlCopy(String jdbcUrl, String user, String password, Path csv, String table, Schema schema)
            throws IOException, InterruptedException {
        // jdbc:postgresql://host:port/db -> host, port, db
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        String hostPort = rest.substring(0, rest.indexOf('/'));
        String db = rest.substring(rest.indexOf('/') + 1).replaceFirst("\\?.*", "");
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        String port = hostPort.contains(":") ? hostPort.substring(hostPort.indexOf(':') + 1) : "5432";
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port,
                "-U", user, "-d", db, "-c", "\\copy " + table + " " + PostgresSql.columnList(schema)
                        + " FROM PROGRAM 'gzip -dc " + csv + "' WITH (FORMAT csv, HEADER true)"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("psql \\copy failed: " + out);
    }

    private static void truncate(Connection pg, String table) throws SQLException {
        try (Statement st = pg.createStatement()) {
            st.execute("TRUNCATE " + table);
        }
    }

    private static void check(Connection pg, String table, long rows) throws SQLException {
        try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) != rows) throw new IllegalStateException(table + " has " + rs.getLong(1) + " rows, expected " + rows);
        }
    }

    private static void row(String name, double secs, long rows) {
        System.out.printf(Locale.ROOT, "  %-32s %10.2f %12d %10.0f%n", name, secs, rows, rows / secs);
    }

    private static String fmt(double secs) {
        return Double.isNaN(secs) ? "NA" : String.format(Locale.ROOT, "%.2f", secs);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static {
        ManagementFactory.getRuntimeMXBean(); // load management early, outside the measured phases
    }
}
