package io.flowcore.bench.schedule;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.bench.orchestration.BenchStore;
import io.flowcore.engine.Flowcore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/*
 * The cost of one scheduler pass over D deployments that each have a minutely cron, on an engine whose
 * clock the benchmark moves (so every pass sees exactly the instants a worker's pass would, without
 * waiting minutes):
 *   apply   the D deployments are applied (each apply creates its next hour of runs: 60 each)
 *   steady  the clock moves 10 s (a worker's scheduler interval) before each of P passes; one pass in
 *           six crosses a minute and creates D runs, the others find everything there already. No worker
 *           claims the runs, so each pass also marks the previous minute's runs Late (up to 1,000).
 *   cold    the clock jumps 2 hours, and one pass creates the whole next hour again (60 × D runs): the
 *           pass after a scheduler was down for a while.
 * A pass is Deployments.schedule(), the same Scheduler.pass() every worker runs.
 */
final class SchedulerCost {
    static final String QUEUE = "sched-bench";

    /** The figures; times in milliseconds. */
    record Measured(String store, int deployments, double applySeconds, List<Double> passMs, List<Integer> created,
                    double coldPassMs, int coldRuns) {
        double p50() {
            return ScheduleBench.percentile(passMs, 0.50);
        }

        double max() {
            return ScheduleBench.percentile(passMs, 1.0);
        }

        /** The slowest pass that created runs (a minute boundary). */
        double creatingMax() {
            List<Double> creating = new ArrayList<>();
            for (int i = 0; i < passMs.size(); i++) if (created.get(i) > 0) creating.add(passMs.get(i));
            return ScheduleBench.percentile(creating, 1.0);
        }

        /** Runs created per second of pass time, over the steady passes and the cold one. */
        double runsPerS() {
            double ms = coldPassMs + passMs.stream().mapToDouble(Double::doubleValue).sum();
            int runs = coldRuns + created.stream().mapToInt(Integer::intValue).sum();
            return ms > 0 ? runs / (ms / 1000) : 0;
        }
    }

    private SchedulerCost() {
    }

    static Deployment deployment(int k) {
        return Deployment.of(TickFlow.class, "tick", String.format("d%05d", k)).withWorkQueue(QUEUE)
                .withSchedules(Schedule.cron("* * * * *"));
    }

    static Measured measure(BenchStore store, int deployments, int passes, Path home) throws Exception {
        // 30 s past a minute: the first steady passes create nothing, the third crosses the minute
        BenchClock clock = new BenchClock(Instant.parse("2026-03-02T00:00:30Z"));
        try (Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(home).clock(clock);
            cfg.notificationPolling(Duration.ZERO);
            store.configure(cfg);
        })) {
            long start = System.nanoTime();
            apply(fc, deployments, store.url() != null ? 4 : 1);
            double applySeconds = (System.nanoTime() - start) / 1e9;
            List<Double> passMs = new ArrayList<>();
            List<Integer> created = new ArrayList<>();
            fc.deployments().schedule(); // warms the pass's code paths; creates nothing (apply did)
            for (int p = 0; p < passes; p++) {
                clock.advance(Duration.ofSeconds(10));
                long t = System.nanoTime();
                created.add(fc.deployments().schedule());
                passMs.add((System.nanoTime() - t) / 1e6);
            }
            clock.advance(Duration.ofHours(2));
            long t = System.nanoTime();
            int coldRuns = fc.deployments().schedule();
            double coldMs = (System.nanoTime() - t) / 1e6;
            return new Measured(store.name(), deployments, applySeconds, passMs, created, coldMs, coldRuns);
        }
    }

    private static void apply(Flowcore fc, int deployments, int threads) throws Exception {
        fc.deployments().apply(deployment(0)); // the flow class is generated once, before threads race for it
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int k = 1 + first; k < deployments; k += threads) fc.deployments().apply(deployment(k));
                }));
            }
            for (Future<?> f : parts) f.get();
        }
    }
}
