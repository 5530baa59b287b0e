package io.flowcore.bench.schedule;

import io.flowcore.bench.orchestration.BenchStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The schedules benchmark: the cost of a scheduler pass over many deployments with a minutely cron, and
 * how late a scheduled run starts with one idle worker, each printed beside Prefect 2's loops. It ends
 * with one line per store:
 * <pre>
 * schedules store=postgres deployments=1000 pass_p50_ms=… pass_max_ms=… creating_pass_max_ms=… cold_pass_ms=…
 *     cold_runs=… runs_created_per_s=… start_lateness_p50_ms=… start_lateness_p99_ms=… missed=… target_pass_ms=1000
 *     target_lateness_p99_ms=1000 anchor_scheduler_loop_ms=60000 anchor_agent_poll_ms=10000
 * </pre>
 * (one line each; see {@code SchedulerCost} and {@code StartLateness} for what is measured).
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh schedules [--deployments 1000] [--passes 18] [--lateness-seconds 60]
 * [--stores postgres,sqlite]}. PostgreSQL comes from {@code FLOWCORE_PG_URL}, {@code FLOWCORE_PG_USER} and
 * {@code FLOWCORE_PG_PASSWORD}; each measurement uses a fresh schema and drops it.
 */
public final class ScheduleBench {
    /**
     * What to measure.
     *
     * @param deployments     deployments with a minutely cron, for the scheduler's cost
     * @param passes          steady scheduler passes, 10 s apart on the engine's clock
     * @param latenessSeconds how long runs come due (one a second) for the start lateness; 0 skips it
     * @param stores          {@code postgres} and/or {@code sqlite}
     * @param workDir         engine homes and SQLite files (null: a temporary folder)
     */
    public record Options(int deployments, int passes, int latenessSeconds, List<String> stores, Path workDir) {
        public Options {
            if (deployments < 1) throw new IllegalArgumentException("--deployments must be >= 1: " + deployments);
            if (passes < 1) throw new IllegalArgumentException("--passes must be >= 1: " + passes);
            if (latenessSeconds < 0) throw new IllegalArgumentException("--lateness-seconds must be >= 0: " + latenessSeconds);
            for (String s : stores) {
                if (!s.equals("postgres") && !s.equals("sqlite")) {
                    throw new IllegalArgumentException("--stores: unknown store '" + s + "' (valid: postgres, sqlite)");
                }
            }
            stores = List.copyOf(stores);
        }

        /** 1,000 deployments, 18 passes (3 minutes), 60 s of lateness, on PostgreSQL. */
        public static Options defaults() {
            return new Options(1000, 18, 60, List.of("postgres"), null);
        }
    }

    /** One store's figures (lateness null when not measured). */
    public record Result(SchedulerCost.Measured cost, StartLateness.Measured lateness) {
        /** The summary line, {@code schedules store=… anchor_agent_poll_ms=10000}. */
        public String line() {
            var c = cost;
            String late = lateness == null ? "start_lateness_p50_ms=n/a start_lateness_p99_ms=n/a missed=n/a"
                    : String.format(Locale.ROOT, "start_lateness_p50_ms=%s start_lateness_p99_ms=%s missed=%d",
                            fmt(lateness.p50()), fmt(lateness.p99()), lateness.missed());
            return String.format(Locale.ROOT, "schedules store=%s deployments=%d pass_p50_ms=%s pass_max_ms=%s "
                    + "creating_pass_max_ms=%s cold_pass_ms=%s cold_runs=%d runs_created_per_s=%s %s target_pass_ms=1000 "
                    + "target_lateness_p99_ms=1000 anchor_scheduler_loop_ms=60000 anchor_agent_poll_ms=10000",
                    c.store(), c.deployments(), fmt(c.p50()), fmt(c.max()), fmt(c.creatingMax()), fmt(c.coldPassMs()),
                    c.coldRuns(), fmt(c.runsPerS()), late);
        }
    }

    private ScheduleBench() {
    }

    public static void main(String[] args) throws Exception {
        run(parse(args), System.out);
    }

    /** Runs every measurement of {@code o}, printing details as it goes and the summary lines at the end. */
    public static List<Result> run(Options o, PrintStream out) throws Exception {
        String pgUrl = System.getenv("FLOWCORE_PG_URL");
        String pgUser = System.getenv().getOrDefault("FLOWCORE_PG_USER", "flowcore");
        if (o.stores().contains("postgres") && (pgUrl == null || pgUrl.isBlank())) {
            throw new IllegalStateException("FLOWCORE_PG_URL is not set: run `bash .ci/test-infra.sh up` and source the "
                    + "env.sh it writes, or pass --stores sqlite");
        }
        Path dir = o.workDir() != null ? Files.createDirectories(o.workDir()) : Files.createTempDirectory("flowcore-sched-");
        List<Result> results = new ArrayList<>();
        try {
            for (String s : o.stores()) {
                Path d = Files.createDirectories(dir.resolve(s));
                BenchStore cs = store(s, pgUrl, pgUser, d.resolve("cost.db"));
                SchedulerCost.Measured cost;
                try {
                    cost = SchedulerCost.measure(cs, o.deployments(), o.passes(), Files.createDirectories(d.resolve("cost")));
                } finally {
                    cs.drop();
                }
                out.printf(Locale.ROOT, "  scheduler store=%s deployments=%d apply_s=%s passes_ms=%s created=%s cold_pass_ms=%s "
                        + "cold_runs=%d%n", cost.store(), cost.deployments(), fmt(cost.applySeconds()),
                        cost.passMs().stream().map(ScheduleBench::fmt).toList(), cost.created(), fmt(cost.coldPassMs()),
                        cost.coldRuns());
                StartLateness.Measured late = null;
                if (o.latenessSeconds() > 0) {
                    BenchStore ls = store(s, pgUrl, pgUser, d.resolve("lateness.db"));
                    try {
                        late = StartLateness.measure(ls, o.latenessSeconds(), Files.createDirectories(d.resolve("late")));
                    } finally {
                        ls.drop();
                    }
                    out.printf(Locale.ROOT, "  lateness store=%s runs=%d missed=%d p50_ms=%s p99_ms=%s max_ms=%s poll_ms=%d%n",
                            late.store(), late.runs(), late.missed(), fmt(late.p50()), fmt(late.p99()), fmt(late.max()),
                            late.pollMs());
                }
                results.add(new Result(cost, late));
            }
        } finally {
            if (o.workDir() == null) deleteTree(dir);
        }
        out.printf(Locale.ROOT, "%nScheduler passes over %d deployments with a minutely cron (a pass every 10 s of engine "
                + "clock, %d passes, then one after 2 h away), and start lateness (scheduled instant -> Running) with one "
                + "idle worker polling every 0.5 s;%nanchor: Prefect 2 runs its scheduler loop every 60 s and its agent "
                + "polls every 10 s (a run starts up to 10 s late)%n", o.deployments(), o.passes());
        for (Result r : results) out.println(r.line());
        return results;
    }

    private static BenchStore store(String name, String pgUrl, String pgUser, Path sqliteFile) throws Exception {
        return name.equals("postgres") ? BenchStore.freshPostgresSchema(pgUrl, pgUser, "flowcore_sched")
                : BenchStore.sqlite(sqliteFile);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** The nearest-rank percentile of {@code values} (0 when there are none). */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) return 0;
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static Options parse(String[] args) {
        Options d = Options.defaults();
        int deployments = d.deployments(), passes = d.passes(), lateness = d.latenessSeconds();
        List<String> stores = d.stores();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value (see the usage in ScheduleBench)");
            String v = args[++i];
            switch (a) {
                case "--deployments" -> deployments = Integer.parseInt(v);
                case "--passes" -> passes = Integer.parseInt(v);
                case "--lateness-seconds" -> lateness = Integer.parseInt(v);
                case "--stores" -> stores = List.of(v.split(","));
                default -> throw new IllegalArgumentException("unknown option " + a + " (valid: --deployments, --passes, "
                        + "--lateness-seconds, --stores)");
            }
        }
        return new Options(deployments, passes, lateness, stores, null);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark's folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
