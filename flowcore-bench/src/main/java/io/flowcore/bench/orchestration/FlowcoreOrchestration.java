package io.flowcore.bench.orchestration;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/*
 * One flowcore measurement, in two phases with the same W worker processes:
 *   backlog  N runs of a no-op deployment created beforehand (Scheduled, due now); the workers are told
 *            to start at the same moment and drain them.
 *   paced    then M more runs created one every I ms while the workers are up and idle, so that a run
 *            becomes due while workers are waiting for it.
 * It waits for the workers' own count of executed runs (not polling the store under test), stops them
 * (their engines commit what is queued), and takes the figures from the stored state histories:
 *   throughput   backlog runs in a final state / (last final-state timestamp - first Pending (= claim) timestamp)
 *   latency      Running timestamp - the Scheduled state's scheduled time, per paced run; for a backlog run
 *                this is mostly its wait behind the others (printed apart as backlog_due_to_running)
 *   duplicates   runs whose body ran more than once (the workers' execution files)
 *   lost         runs not in a final state at the end
 */
final class FlowcoreOrchestration {
    static final String QUEUE = "orch-bench";
    static final String DEPLOYMENT = "orch";

    /** The figures of one measurement; times in milliseconds. */
    record Measured(String store, int workers, int runs, double runsPerS, double dueToRunningP50, double dueToRunningP99,
                    double backlogDueToRunningP50, double claimToRunningP50, int duplicates, int lost, int failed,
                    String firstFailure) {
    }

    /**
     * How each worker process runs (at most {@code limit} runs at once, polling every {@code pollMs} when
     * idle) and the paced phase: {@code pacedRuns} runs, one every {@code pacedIntervalMs}.
     */
    record WorkerSettings(int limit, long pollMs, int pacedRuns, long pacedIntervalMs) {
    }

    private FlowcoreOrchestration() {
    }

    /** The deployment the runs are created from. */
    static Deployment deployment() {
        return Deployment.of(NoOpFlow.class, "noop", DEPLOYMENT).withWorkQueue(QUEUE);
    }

    static Measured measure(BenchStore store, int workers, int runs, WorkerSettings settings, Path dir)
            throws Exception {
        Path parentHome = Files.createDirectories(dir.resolve("parent"));
        Path executions = Files.createDirectories(dir.resolve("executions"));
        try (Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(parentHome);
            store.configure(cfg);
        })) {
            fc.deployments().apply(deployment());
            String fullName = NoOpFlow.FLOW + "/" + DEPLOYMENT;
            List<UUID> backlog = createRuns(fc, fullName, runs, store.isPostgres() ? 4 : 1);
            List<UUID> paced = new ArrayList<>();
            try (ChildJvms children = ChildJvms.start(workers, FlowcoreWorkerMain.class, i -> List.of(store.spec(),
                    dir.resolve("worker-" + i).toString(), String.valueOf(settings.limit()),
                    String.valueOf(settings.pollMs()), executions.resolve("worker-" + i + ".txt").toString()),
                    BenchStore.childEnvironment())) {
                children.awaitReady(Duration.ofMinutes(2));
                children.go();
                awaitExecuted(children, runs, Duration.ofSeconds(60).plusMillis(50L * runs));
                long start = System.nanoTime();
                for (int j = 0; j < settings.pacedRuns(); j++) {
                    long wait = start + j * settings.pacedIntervalMs() * 1_000_000L - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    paced.add(fc.deployments().run(fullName, Map.of("n", runs + j)).id());
                }
                awaitExecuted(children, runs + settings.pacedRuns(), Duration.ofSeconds(60));
                children.stop(Duration.ofMinutes(1));
            }
            Histories b = Histories.read(fc, backlog), p = Histories.read(fc, paced);
            return new Measured(store.name(), workers, runs, b.runsPerS(), percentile(p.dueToRunning, 0.50),
                    percentile(p.dueToRunning, 0.99), percentile(b.dueToRunning, 0.50),
                    percentile(b.claimToRunning, 0.50), duplicates(executions), b.lost() + p.lost(),
                    b.failed + p.failed, b.firstFailure != null ? b.firstFailure : p.firstFailure);
        }
    }

    /** Creates the runs (each its own committed transaction), on {@code threads} threads; ids in order of n. */
    static List<UUID> createRuns(Flowcore fc, String deployment, int runs, int threads) throws Exception {
        UUID[] ids = new UUID[runs];
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int n = first; n < runs; n += threads) ids[n] = fc.deployments().run(deployment, Map.of("n", n)).id();
                }));
            }
            for (Future<?> f : parts) f.get();
        }
        return List.of(ids);
    }

    /** Waits until the workers report {@code runs} executions, or the timeout passed (the figures then show what is lost). */
    private static void awaitExecuted(ChildJvms children, int runs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (children.executed() < runs) {
            if (System.nanoTime() > deadline) {
                System.err.println("orchestration: the workers executed " + children.executed() + " of " + runs
                        + " runs in " + timeout + "; the rest counts as lost");
                return;
            }
            Thread.sleep(20);
        }
    }

    /** What the stored state histories of some runs say. */
    private static final class Histories {
        final List<Double> dueToRunning = new ArrayList<>(), claimToRunning = new ArrayList<>();
        Instant firstClaim, lastEnd;
        int runs, ended, failed;
        String firstFailure;

        static Histories read(Flowcore fc, List<UUID> ids) {
            Histories h = new Histories();
            h.runs = ids.size();
            for (UUID id : ids) h.add(id, fc.history().stateHistory(id));
            return h;
        }

        private void add(UUID id, List<StateChange> history) {
            Instant due = null, claimed = null, running = null;
            State last = null;
            for (StateChange c : history) {
                State s = c.state();
                last = s;
                switch (s.type()) {
                    case SCHEDULED -> due = due == null ? s.scheduledTime() : due;
                    case PENDING -> claimed = claimed == null ? s.timestamp() : claimed;
                    case RUNNING -> running = running == null ? s.timestamp() : running;
                    default -> { }
                }
            }
            if (last == null || !last.isFinal()) return;
            ended++;
            if (last.type() != StateType.COMPLETED && failed++ == 0) firstFailure = id + ": " + last;
            if (claimed != null && (firstClaim == null || claimed.isBefore(firstClaim))) firstClaim = claimed;
            if (lastEnd == null || last.timestamp().isAfter(lastEnd)) lastEnd = last.timestamp();
            if (running != null && due != null) dueToRunning.add(millis(due, running));
            if (running != null && claimed != null) claimToRunning.add(millis(claimed, running));
        }

        double runsPerS() {
            double seconds = firstClaim == null ? 0 : Duration.between(firstClaim, lastEnd).toNanos() / 1e9;
            return seconds > 0 ? ended / seconds : 0;
        }

        int lost() {
            return runs - ended;
        }
    }

    /** Runs whose body ran more than once, across every worker process's execution file. */
    private static int duplicates(Path executions) throws IOException {
        Map<String, Integer> times = new HashMap<>();
        try (Stream<Path> files = Files.list(executions)) {
            for (Path f : files.toList()) {
                for (String n : Files.readAllLines(f)) if (!n.isBlank()) times.merge(n, 1, Integer::sum);
            }
        }
        return (int) times.values().stream().filter(t -> t > 1).count();
    }

    static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** The nearest-rank percentile of {@code values} (0 when there are none). */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) return 0;
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
