package io.flowcore.bench;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.Tasks;
import io.flowcore.bench.orchestration.BenchStore;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Engine overhead per task run, with states, logs and results persisted to the store, beside a plain
 * method-call loop measured in the same run. Four cases: a {@code void} task and a task that takes an
 * argument and returns a value (the usual case: its result is persisted), each called sequentially and
 * through {@code Tasks.submit}/{@code Tasks.map}. Then memory: 100,000 task runs each returning 4 KiB,
 * whose results wait in the store writer's backlog, bounded at 64 MiB.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh engine [tasks] [memoryTasks] [sqlite|postgresql|remote|both]}
 * (defaults 10000, 100000 and both). {@code remote} is an engine on a
 * flowcore server ({@code FlowcoreConfig.server}) started in this JVM over a SQLite store, its state changes
 * sent over HTTP on the loopback; {@code both} measures SQLite, remote and, when {@code FLOWCORE_PG_URL} is set, PostgreSQL. Median of 5 flows per
 * figure.
 */
public final class EngineBench {
    private static long sink;
    private static final int RESULT_BYTES = 4096;

    public static class Tasks4 {
        @Task
        public void noop() {
            sink++;
        }

        @Task
        public Integer square(Integer x) {
            return x * x;
        }

        @Task
        public String page(Integer i) {
            char[] c = new char[RESULT_BYTES];
            Arrays.fill(c, (char) ('a' + i % 26));
            return new String(c);
        }

        @Flow
        public int sequential(int n) {
            for (int i = 0; i < n; i++) noop();
            return n;
        }

        @Flow
        public int concurrent(int n) {
            List<TaskFuture<Void>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) futures.add(Tasks.submit(this::noop));
            for (TaskFuture<Void> f : futures) f.get();
            return n;
        }

        @Flow
        public long valueSequential(int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) sum += square(i);
            return sum;
        }

        @Flow
        public long valueConcurrent(int n) {
            long sum = 0;
            for (Integer v : Tasks.results(Tasks.map(IntStream.range(0, n).boxed().toList(), this::square))) sum += v;
            return sum;
        }

        @Flow
        public long pages(int n) {
            long chars = 0;
            for (int i = 0; i < n; i++) chars += page(i).length();
            return chars;
        }
    }

    enum Case { SEQUENTIAL, CONCURRENT, VALUE_SEQUENTIAL, VALUE_CONCURRENT }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int memoryN = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String pgUrl = System.getenv("FLOWCORE_PG_URL");
        String which = args.length > 2 ? args[2] : "both";
        double plainUs = plainCallUs(n);
        List<String> lines = new ArrayList<>();
        if (which.equals("sqlite") || which.equals("both")) {
            Path home = Files.createTempDirectory("flowcore-bench-");
            lines.add(measure(BenchStore.sqlite(home.resolve("flowcore.db"))::configure, home, n, memoryN, plainUs));
        }
        if (which.equals("remote") || which.equals("both")) {
            Path serverHome = Files.createTempDirectory("flowcore-bench-server-");
            try (Flowcore server = Flowcore.create(cfg -> cfg.home(serverHome).notificationPolling(java.time.Duration.ZERO));
                 io.flowcore.server.FlowcoreServer http = io.flowcore.server.FlowcoreServer.start(server,
                         io.flowcore.server.ServerOptions.defaults().withPort(0))) {
                String key = new io.flowcore.server.ApiKeys(server.apiKeys(), java.time.InstantSource.system())
                        .create(io.flowcore.server.Role.WORKER).key();
                lines.add(measure(cfg -> cfg.server(http.url(), key), Files.createTempDirectory("flowcore-bench-"), n,
                        memoryN, plainUs));
            }
        }
        if (which.equals("postgresql") || which.equals("both") && pgUrl != null) {
            if (pgUrl == null) throw new IllegalStateException("FLOWCORE_PG_URL is not set: start .ci/test-infra.sh up");
            BenchStore pg = BenchStore.freshPostgresSchema(pgUrl, System.getenv("FLOWCORE_PG_USER"), "engine_bench");
            try {
                lines.add(measure(pg::configure, Files.createTempDirectory("flowcore-bench-"), n, memoryN, plainUs));
            } finally {
                pg.drop();
            }
        }
        System.out.println("Anchors measured separately on the machines flowcore is developed on, for scale (not by this run):");
        System.out.println("  Prefect 3 task call ~14,000 us | Spring Batch + JDBC repo 290-630 us/job | "
                + "JobRunr >= 190 us/job | SQLite 3 inserts, no fsync per commit 35-60 us, group-committed ~4 us");
        for (String l : lines) System.out.println(l);
    }

    private static String measure(java.util.function.Consumer<io.flowcore.engine.FlowcoreConfig> where, Path home, int n,
                                  int memoryN, double plainUs) throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> where.accept(cfg.home(home)))) {
            String store = fc.history().storeName();
            if (store.startsWith("flowcore server")) store = "remote-sqlite"; // one word for the key=value line
            int target = store.startsWith("remote") ? 50 : 20; // over HTTP the issue allows 50 us a task
            for (int i = 0; i < 3; i++) for (Case c : Case.values()) perTaskUs(fc, n, c); // warm the JIT and the store
            double[] us = new double[Case.values().length];
            for (Case c : Case.values()) us[c.ordinal()] = median(5, () -> perTaskUs(fc, n, c));
            long t0 = System.nanoTime();
            waitForStore(fc);
            double drainMs = (System.nanoTime() - t0) / 1e6;

            long heapBefore = usedHeapAfterGc();
            long t1 = System.nanoTime();
            long peakMb;
            try (PeakHeap peak = new PeakHeap()) {
                FlowRun<Long> run = fc.execute(Tasks4.class, f -> f.pages(memoryN));
                if (!run.isCompleted()) throw new IllegalStateException("memory flow failed: " + run.state(), run.error());
                waitForStore(fc); // until every result is committed
                peakMb = peak.peakMb();
            }
            double sustainedUs = (System.nanoTime() - t1) / 1e3 / memoryN;
            double afterMb = (usedHeapAfterGc() - heapBefore) / 1024.0 / 1024.0;

            System.out.printf(Locale.ROOT, "%n%d tasks per flow, states + logs + results persisted to the '%s' store "
                    + "(median of 5 flows)%n", n, store);
            System.out.printf(Locale.ROOT, "  plain method call              %9.3f us/call   (measured in this run)%n", plainUs);
            System.out.printf(Locale.ROOT, "  void task, sequential          %9.3f us/task   target <= %d%n", us[0], target);
            System.out.printf(Locale.ROOT, "  void task, Tasks.submit        %9.3f us/task   target <= %d%n", us[1], target);
            System.out.printf(Locale.ROOT, "  value task, sequential         %9.3f us/task   target <= %d%n", us[2], target);
            System.out.printf(Locale.ROOT, "  value task, Tasks.map          %9.3f us/task   target <= %d%n", us[3], target);
            System.out.printf(Locale.ROOT, "  store catch-up after the last flow %.1f ms%n", drainMs);
            System.out.printf(Locale.ROOT, "  %d task runs each returning %d bytes (%d MB of results): peak heap %d MB "
                            + "(the writer's backlog is bounded at 64 MiB), %.1f MB retained after GC, %.1f us/task until "
                            + "all committed%n", memoryN, RESULT_BYTES, (long) memoryN * RESULT_BYTES >> 20, peakMb, afterMb,
                    sustainedUs);
            return String.format(Locale.ROOT, "engine-overhead sequential_us=%.2f concurrent_us=%.2f value_sequential_us=%.2f "
                            + "value_concurrent_us=%.2f plain_call_us=%.4f memory_tasks=%d memory_peak_heap_mb=%d store=%s",
                    us[0], us[1], us[2], us[3], plainUs, memoryN, peakMb, store);
        }
    }

    private interface Measure {
        double run();
    }

    private static double median(int tries, Measure m) {
        double[] v = new double[tries];
        for (int i = 0; i < tries; i++) v[i] = m.run();
        Arrays.sort(v);
        return v[tries / 2];
    }

    /** One flow of n tasks, timed from the call until the flow run ended (the store's writer may still be busy). */
    private static double perTaskUs(Flowcore fc, int n, Case c) {
        waitForStore(fc); // start each measurement with an empty write queue (not timed)
        long t0 = System.nanoTime();
        FlowRun<?> run = switch (c) {
            case SEQUENTIAL -> fc.execute(Tasks4.class, f -> f.sequential(n));
            case CONCURRENT -> fc.execute(Tasks4.class, f -> f.concurrent(n));
            case VALUE_SEQUENTIAL -> fc.execute(Tasks4.class, f -> f.valueSequential(n));
            case VALUE_CONCURRENT -> fc.execute(Tasks4.class, f -> f.valueConcurrent(n));
        };
        long t = System.nanoTime() - t0;
        if (!run.isCompleted()) throw new IllegalStateException("benchmark flow failed: " + run.state(), run.error());
        return t / 1e3 / n;
    }

    private static void waitForStore(Flowcore fc) {
        fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().limit(1));
    }

    private static double plainCallUs(int n) {
        Tasks4 plain = new Tasks4();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sink += plain.square(i);
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / n);
        }
        return best;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
