package io.flowcore.bench.orchestration;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The orchestration benchmark: no-op deployment runs executed by 1, 2 and 4 worker processes on
 * PostgreSQL, and by one on SQLite, each printed beside db-scheduler doing the same on the same
 * PostgreSQL with the same number of processes. It ends with one line per store and worker count:
 * <pre>
 * orchestration store=postgres workers=2 runs=10000 runs_per_s=… due_to_running_p50_ms=… due_to_running_p99_ms=…
 *     duplicates=0 lost=0 anchor_runs_per_s=… ratio=…
 * </pre>
 * (one line each). Throughput is measured on N runs created beforehand; the due-to-Running latency on
 * runs created one by one afterwards, while the workers wait (see {@code FlowcoreOrchestration}). On
 * SQLite the anchor is the PostgreSQL one with the same worker count.
 *
 * <p>Each PostgreSQL line is the median of {@code --rounds} rounds (3 by default), each round measuring flowcore and then
 * the anchor, so that both meet the same moods of a machine whose figures move by a tenth or more from one
 * measurement to the next; duplicates and lost runs are summed over the rounds.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh orchestration [--runs 10000] [--workers 1,2,4] [--stores postgres,sqlite]
 * [--sqlite-workers 1] [--limit 8] [--poll-ms 100] [--paced-runs 200] [--paced-interval-ms 20] [--rounds 3] [--no-anchor]}. PostgreSQL comes from
 * {@code FLOWCORE_PG_URL}, {@code FLOWCORE_PG_USER} and {@code FLOWCORE_PG_PASSWORD}; each measurement
 * uses a fresh schema and drops it.
 */
public final class OrchestrationBench {
    /**
     * What to measure.
     *
     * @param runs          runs (and anchor executions) per measurement
     * @param workers       worker process counts on PostgreSQL
     * @param stores        {@code postgres} and/or {@code sqlite}
     * @param sqliteWorkers worker process counts on SQLite
     * @param anchor        whether to measure db-scheduler beside flowcore (needs PostgreSQL)
     * @param limit         runs at once per flowcore worker process, and threads per db-scheduler process
     * @param pollMs        how often an idle worker polls, for both
     * @param pacedRuns     runs created one by one after the backlog, for the due-to-Running latency
     * @param pacedIntervalMs the time between two paced runs
     * @param workDir       where SQLite files, engine homes and execution files go (null: a temporary folder)
     * @param rounds        rounds per PostgreSQL worker count (flowcore, then the anchor); the lines give their medians
     */
    public record Options(int runs, List<Integer> workers, List<String> stores, List<Integer> sqliteWorkers,
                          boolean anchor, int limit, long pollMs, int pacedRuns, long pacedIntervalMs, Path workDir,
                          int rounds) {
        public Options {
            if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1: " + runs);
            if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1: " + rounds);
            for (String s : stores) {
                if (!s.equals("postgres") && !s.equals("sqlite")) {
                    throw new IllegalArgumentException("--stores: unknown store '" + s + "' (valid: postgres, sqlite)");
                }
            }
            workers = List.copyOf(workers);
            stores = List.copyOf(stores);
            sqliteWorkers = List.copyOf(sqliteWorkers);
        }

        /** The defaults: 10,000 runs, 1/2/4 processes on PostgreSQL, 1 on SQLite, with the anchor. */
        public static Options defaults() {
            return new Options(10_000, List.of(1, 2, 4), List.of("postgres", "sqlite"), List.of(1), true, 8, 100, 200, 20,
                    null, 3);
        }
    }

    /** One measured line: flowcore's figures and the anchor's (null when not measured). */
    public record Result(FlowcoreOrchestration.Measured flowcore, DbSchedulerAnchor.Measured anchor) {
        /** The summary line, {@code orchestration store=… ratio=…}. */
        public String line() {
            var f = flowcore;
            String anchorRate = anchor == null ? "n/a" : fmt(anchor.runsPerS());
            String ratio = anchor == null || anchor.runsPerS() == 0 ? "n/a"
                    : String.format(Locale.ROOT, "%.2f", f.runsPerS() / anchor.runsPerS());
            return String.format(Locale.ROOT, "orchestration store=%s workers=%d runs=%d runs_per_s=%s "
                    + "due_to_running_p50_ms=%s due_to_running_p99_ms=%s duplicates=%d lost=%d anchor_runs_per_s=%s "
                    + "ratio=%s", f.store(), f.workers(), f.runs(), fmt(f.runsPerS()), fmt(f.dueToRunningP50()),
                    fmt(f.dueToRunningP99()), f.duplicates(), f.lost(), anchorRate, ratio);
        }
    }

    private OrchestrationBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        run(o, System.out);
    }

    /** Runs every measurement of {@code o}, printing details as it goes and the summary lines at the end. */
    public static List<Result> run(Options o, PrintStream out) throws Exception {
        String pgUrl = System.getenv("FLOWCORE_PG_URL");
        String pgUser = System.getenv().getOrDefault("FLOWCORE_PG_USER", "flowcore");
        boolean pgWanted = o.stores().contains("postgres") || (o.anchor() && !o.sqliteWorkers().isEmpty());
        if (pgWanted && (pgUrl == null || pgUrl.isBlank())) {
            throw new IllegalStateException("FLOWCORE_PG_URL is not set: run `bash .ci/test-infra.sh up` and source the "
                    + "env.sh it writes, or pass --stores sqlite --no-anchor");
        }
        Path dir = o.workDir() != null ? Files.createDirectories(o.workDir()) : Files.createTempDirectory("flowcore-orch-");
        var settings = new FlowcoreOrchestration.WorkerSettings(o.limit(), o.pollMs(), o.pacedRuns(), o.pacedIntervalMs());
        Map<Integer, DbSchedulerAnchor.Measured> anchors = new HashMap<>();
        List<Result> results = new ArrayList<>();
        try {
            int step = 0;
            if (o.stores().contains("postgres")) {
                for (int w : o.workers()) {
                    List<FlowcoreOrchestration.Measured> ours = new ArrayList<>();
                    List<DbSchedulerAnchor.Measured> theirs = new ArrayList<>();
                    for (int round = 0; round < o.rounds(); round++) {
                        Path d = dir.resolve("m" + step++);
                        BenchStore store = BenchStore.freshPostgresSchema(pgUrl, pgUser, "flowcore_orch");
                        FlowcoreOrchestration.Measured f;
                        try {
                            f = FlowcoreOrchestration.measure(store, w, o.runs(), settings, d);
                        } finally {
                            store.drop();
                        }
                        details(out, f);
                        ours.add(f);
                        if (o.anchor()) theirs.add(anchorRound(o, w, pgUrl, pgUser, out));
                    }
                    DbSchedulerAnchor.Measured a = theirs.isEmpty() ? null : medianAnchor(theirs);
                    if (a != null) anchors.put(w, a);
                    results.add(new Result(median(ours), a));
                }
            }
            if (o.stores().contains("sqlite")) {
                for (int w : o.sqliteWorkers()) {
                    Path d = Files.createDirectories(dir.resolve("m" + step++));
                    var f = FlowcoreOrchestration.measure(BenchStore.sqlite(d.resolve("orchestration.db")), w, o.runs(),
                            settings, d);
                    details(out, f);
                    results.add(new Result(f, anchor(o, w, pgUrl, pgUser, anchors, out)));
                }
            }
        } finally {
            if (o.workDir() == null) deleteTree(dir);
        }
        out.printf(Locale.ROOT, "%nNo-op deployment runs claimed by worker processes (limit %d, poll %d ms): throughput "
                + "of %d runs created beforehand, due-to-Running latency of %d runs created every %d ms afterwards;%n"
                + "anchor: db-scheduler, lock-and-fetch, %d threads per process, same PostgreSQL; PostgreSQL lines: the "
                + "median round of %d (flowcore, then the anchor, each round)%n",
                o.limit(), o.pollMs(), o.runs(), o.pacedRuns(), o.pacedIntervalMs(), o.limit(), o.rounds());
        for (Result r : results) out.println(r.line());
        return results;
    }

    private static DbSchedulerAnchor.Measured anchor(Options o, int workers, String pgUrl, String pgUser,
                                                     Map<Integer, DbSchedulerAnchor.Measured> anchors, PrintStream out)
            throws Exception {
        if (!o.anchor()) return null;
        DbSchedulerAnchor.Measured known = anchors.get(workers);
        if (known != null) return known;
        DbSchedulerAnchor.Measured a = anchorRound(o, workers, pgUrl, pgUser, out);
        anchors.put(workers, a);
        return a;
    }

    private static DbSchedulerAnchor.Measured anchorRound(Options o, int workers, String pgUrl, String pgUser,
                                                          PrintStream out) throws Exception {
        DbSchedulerAnchor.Measured a = DbSchedulerAnchor.measure(pgUrl, pgUser, workers, o.runs(), o.limit(), o.pollMs());
        out.printf(Locale.ROOT, "  anchor db-scheduler workers=%d executions=%d runs_per_s=%s duplicates=%d lost=%d%n",
                a.workers(), a.executions(), fmt(a.runsPerS()), a.duplicates(), a.lost());
        return a;
    }

    /** The round with the median throughput, with the duplicates, lost and failed runs of every round. */
    static FlowcoreOrchestration.Measured median(List<FlowcoreOrchestration.Measured> rounds) {
        List<FlowcoreOrchestration.Measured> sorted = rounds.stream()
                .sorted(java.util.Comparator.comparingDouble(FlowcoreOrchestration.Measured::runsPerS)).toList();
        var m = sorted.get(sorted.size() / 2);
        return new FlowcoreOrchestration.Measured(m.store(), m.workers(), m.runs(), m.runsPerS(), m.dueToRunningP50(),
                m.dueToRunningP99(), m.backlogDueToRunningP50(), m.claimToRunningP50(),
                rounds.stream().mapToInt(FlowcoreOrchestration.Measured::duplicates).sum(),
                rounds.stream().mapToInt(FlowcoreOrchestration.Measured::lost).sum(),
                rounds.stream().mapToInt(FlowcoreOrchestration.Measured::failed).sum(), m.firstFailure());
    }

    /** The anchor round with the median throughput, with the duplicates and lost executions of every round. */
    static DbSchedulerAnchor.Measured medianAnchor(List<DbSchedulerAnchor.Measured> rounds) {
        List<DbSchedulerAnchor.Measured> sorted = rounds.stream()
                .sorted(java.util.Comparator.comparingDouble(DbSchedulerAnchor.Measured::runsPerS)).toList();
        var m = sorted.get(sorted.size() / 2);
        return new DbSchedulerAnchor.Measured(m.workers(), m.executions(), m.runsPerS(),
                rounds.stream().mapToInt(DbSchedulerAnchor.Measured::duplicates).sum(),
                rounds.stream().mapToInt(DbSchedulerAnchor.Measured::lost).sum());
    }

    private static void details(PrintStream out, FlowcoreOrchestration.Measured f) {
        out.printf(Locale.ROOT, "  flowcore store=%s workers=%d runs=%d runs_per_s=%s backlog_due_to_running_p50_ms=%s "
                        + "claim_to_running_p50_ms=%s failed=%d lost=%d duplicates=%d%n", f.store(), f.workers(), f.runs(),
                fmt(f.runsPerS()), fmt(f.backlogDueToRunningP50()), fmt(f.claimToRunningP50()), f.failed(), f.lost(),
                f.duplicates());
        if (f.firstFailure() != null) out.println("  first run that did not complete: " + f.firstFailure());
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static Options parse(String[] args) {
        Options d = Options.defaults();
        int runs = d.runs(), limit = d.limit(), pacedRuns = d.pacedRuns(), rounds = d.rounds();
        long pollMs = d.pollMs(), pacedIntervalMs = d.pacedIntervalMs();
        List<Integer> workers = d.workers(), sqliteWorkers = d.sqliteWorkers();
        List<String> stores = d.stores();
        boolean anchor = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-anchor")) {
                anchor = false;
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value (see the usage in OrchestrationBench)");
            String v = args[++i];
            switch (a) {
                case "--runs" -> runs = Integer.parseInt(v);
                case "--workers" -> workers = ints(v);
                case "--sqlite-workers" -> sqliteWorkers = ints(v);
                case "--stores" -> stores = List.of(v.split(","));
                case "--limit" -> limit = Integer.parseInt(v);
                case "--poll-ms" -> pollMs = Long.parseLong(v);
                case "--paced-runs" -> pacedRuns = Integer.parseInt(v);
                case "--paced-interval-ms" -> pacedIntervalMs = Long.parseLong(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (valid: --runs, --workers, --stores, "
                        + "--sqlite-workers, --limit, --poll-ms, --paced-runs, --paced-interval-ms, --rounds, --no-anchor)");
            }
        }
        return new Options(runs, workers, stores, sqliteWorkers, anchor, limit, pollMs, pacedRuns, pacedIntervalMs, null,
                rounds);
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark's folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
