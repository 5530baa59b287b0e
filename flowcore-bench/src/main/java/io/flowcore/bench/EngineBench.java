package io.flowcore.bench;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.Tasks;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Engine overhead per task run, with states, and logs persisted to the embedded store (the default
 * configuration), beside a plain method-call loop measured in the same run.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh engine [tasks] [memoryTasks]} (defaults 10000 and 100000).
 */
public final class EngineBench {
    private static long sink;

    public static class NoOps {
        @Task
        public void noop() {
            sink++;
        }

        @Flow
        public int sequential(int n) {
            for (int i = 0; i < n; i++) noop();
            return n;
        }

        @Flow
        public int concurrent(int n) {
            List<TaskFuture<Object>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                futures.add(Tasks.submit(() -> {
                    noop();
                    return null;
                }));
            }
            for (TaskFuture<Object> f : futures) f.get();
            return n;
        }

        @Flow
        public long memory(int n) {
            long before = usedHeapAfterGc();
            for (int i = 0; i < n; i++) noop();
            return usedHeapAfterGc() - before;
        }
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int memoryN = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path home = Files.createTempDirectory("flowcore-bench-");
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            String store = fc.history().storeName();
            // warm up the JIT and the store
            for (int i = 0; i < 3; i++) {
                fc.execute(NoOps.class, f -> f.sequential(n));
                fc.execute(NoOps.class, f -> f.concurrent(n));
            }
            double plainUs = plainCallUs(n);
            double seqUs = best(3, () -> perTaskUs(fc, n, false));
            double concUs = best(3, () -> perTaskUs(fc, n, true));
            long t0 = System.nanoTime();
            waitForStore(fc);
            double drainMs = (System.nanoTime() - t0) / 1e6;
            long heapBefore = usedHeapAfterGc();
            FlowRun<Long> mem = fc.execute(NoOps.class, f -> f.memory(memoryN));
            double growthMb = mem.result() / 1024.0 / 1024.0;
            waitForStore(fc);
            long t1 = System.nanoTime();
            fc.execute(NoOps.class, f -> f.sequential(memoryN));
            waitForStore(fc); // until every state is committed
            double sustainedUs = (System.nanoTime() - t1) / 1e3 / memoryN;
            double afterMb = (usedHeapAfterGc() - heapBefore) / 1024.0 / 1024.0;

            System.out.printf(Locale.ROOT, "%n%d no-op tasks in one flow, states + logs persisted to the '%s' store%n", n, store);
            System.out.printf(Locale.ROOT, "  plain method call        %10.3f us/call   (measured in this run)%n", plainUs);
            System.out.printf(Locale.ROOT, "  flowcore sequential      %10.3f us/task   target <= 20%n", seqUs);
            System.out.printf(Locale.ROOT, "  flowcore submit (vthreads)%9.3f us/task   target <= 20%n", concUs);
            System.out.printf(Locale.ROOT, "  store catch-up after the last run %4.1f ms%n", drainMs);
            System.out.printf(Locale.ROOT, "  %d task runs in one flow: heap growth %.1f MB at its end (writes still queued,"
                    + " bounded), %.1f MB once the store caught up (after GC)%n", memoryN, growthMb, afterMb);
            System.out.printf(Locale.ROOT, "  sustained, %d tasks until every state is committed to the database: %.1f us/task%n", memoryN, sustainedUs);
            System.out.println("Anchors measured separately on the machines flowcore is developed on, for scale (not by this run):");
            System.out.println("  Prefect 3 task call ~14,000 us | Spring Batch + JDBC repo 290-630 us/job | "
                    + "JobRunr >= 190 us/job | SQLite 3 inserts, no fsync per commit 35-60 us, group-committed ~4 us");
            System.out.printf(Locale.ROOT, "engine-overhead sequential_us=%.2f concurrent_us=%.2f plain_call_us=%.4f store=%s%n",
                    seqUs, concUs, plainUs, store);
        }
    }

    private interface Measure {
        double run();
    }

    private static double best(int tries, Measure m) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < tries; i++) best = Math.min(best, m.run());
        return best;
    }

    /** One flow of n tasks, timed from the call until the flow run ended (the store's writer may still be busy). */
    private static double perTaskUs(Flowcore fc, int n, boolean concurrent) {
        waitForStore(fc); // start each measurement with an empty write queue (not timed)
        long t0 = System.nanoTime();
        FlowRun<Integer> run = concurrent ? fc.execute(NoOps.class, f -> f.concurrent(n))
                : fc.execute(NoOps.class, f -> f.sequential(n));
        long t = System.nanoTime() - t0;
        if (!run.isCompleted()) throw new IllegalStateException("benchmark flow failed: " + run.state(), run.error());
        return t / 1e3 / n;
    }

    private static void waitForStore(Flowcore fc) {
        fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().limit(1));
    }

    private static double plainCallUs(int n) {
        NoOps plain = new NoOps();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) plain.noop();
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / n);
        }
        return best;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
