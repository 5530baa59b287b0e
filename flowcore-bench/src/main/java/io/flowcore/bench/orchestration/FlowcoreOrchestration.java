package io.flowcore.bench.orchestration;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunQuery;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/*
 * One flowcore measurement: N runs of a no-op deployment created beforehand (Scheduled, due now), then
 * W worker processes told to start at the same moment; it waits until every run is in a final state in
 * the store (or a deadline passes), stops the workers, and reads the figures from the stored state
 * histories, not from the workers' clocks of what they did:
 *   throughput   runs in a final state / (last final-state timestamp - first Pending (= claim) timestamp)
 *   latency      Running timestamp - the Scheduled state's scheduled time, per run
 *   duplicates   runs whose body ran more than once (the workers' execution files)
 *   lost         runs not in a final state at the end
 * The runs are due before the workers start, so due -> Running includes the wait behind the backlog;
 * claim -> Running (Pending -> Running) is reported beside it as the engine's own start-up cost.
 */
final class FlowcoreOrchestration {
    static final String QUEUE = "orch-bench";
    static final String DEPLOYMENT = "orch";
    private static final StateType[] FINAL = Arrays.stream(StateType.values()).filter(StateType::isFinal)
            .toArray(StateType[]::new);

    /** The figures of one measurement; times in milliseconds. */
    record Measured(String store, int workers, int runs, double runsPerS, double dueToRunningP50, double dueToRunningP99,
                    double claimToRunningP50, int duplicates, int lost, int failed, String firstFailure) {
    }

    /** How each worker process runs: at most {@code limit} runs at once, polling every {@code pollMs} when idle. */
    record WorkerSettings(int limit, long pollMs) {
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
            List<UUID> ids = createRuns(fc, NoOpFlow.FLOW + "/" + DEPLOYMENT, runs, store.isPostgres() ? 4 : 1);
            try (ChildJvms children = ChildJvms.start(workers, FlowcoreWorkerMain.class, i -> List.of(store.spec(),
                    dir.resolve("worker-" + i).toString(), String.valueOf(settings.limit()),
                    String.valueOf(settings.pollMs()), executions.resolve("worker-" + i + ".txt").toString()),
                    BenchStore.childEnvironment())) {
                children.awaitReady(Duration.ofMinutes(2));
                children.go();
                awaitFinal(fc, runs, Duration.ofSeconds(60).plusMillis(50L * runs));
                children.stop(Duration.ofMinutes(1));
            }
            return fromHistory(fc, store.name(), workers, ids, duplicates(executions));
        }
    }

    /** Creates the runs (each its own committed transaction), on {@code threads} threads; ids in order of n. */
    private static List<UUID> createRuns(Flowcore fc, String deployment, int runs, int threads) throws Exception {
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

    /** Polls the store until every run is final or the deadline passed (the figures then show what is lost). */
    private static void awaitFinal(Flowcore fc, int runs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int done = fc.history().flowRuns(FlowRunQuery.all().flow(NoOpFlow.FLOW).inStates(FINAL).limit(runs)).size();
            if (done >= runs) return;
            Thread.sleep(200);
        }
        System.err.println("orchestration: not every run was final after " + timeout + "; counting the rest as lost");
    }

    private static Measured fromHistory(Flowcore fc, String store, int workers, List<UUID> ids, int duplicates) {
        Instant firstClaim = null, lastEnd = null;
        List<Double> dueToRunning = new ArrayList<>(), claimToRunning = new ArrayList<>();
        int ended = 0, failed = 0;
        String firstFailure = null;
        for (UUID id : ids) {
            Instant due = null, claimed = null, running = null;
            State last = null;
            for (StateChange c : fc.history().stateHistory(id)) {
                State s = c.state();
                last = s;
                switch (s.type()) {
                    case SCHEDULED -> due = due == null ? s.scheduledTime() : due;
                    case PENDING -> claimed = claimed == null ? s.timestamp() : claimed;
                    case RUNNING -> running = running == null ? s.timestamp() : running;
                    default -> { }
                }
            }
            if (last == null || !last.isFinal()) continue;
            ended++;
            if (last.type() != StateType.COMPLETED && failed++ == 0) firstFailure = id + ": " + last;
            if (claimed != null && (firstClaim == null || claimed.isBefore(firstClaim))) firstClaim = claimed;
            if (lastEnd == null || last.timestamp().isAfter(lastEnd)) lastEnd = last.timestamp();
            if (running != null && due != null) dueToRunning.add(millis(due, running));
            if (running != null && claimed != null) claimToRunning.add(millis(claimed, running));
        }
        double seconds = firstClaim == null ? 0 : Duration.between(firstClaim, lastEnd).toNanos() / 1e9;
        return new Measured(store, workers, ids.size(), seconds > 0 ? ended / seconds : 0,
                percentile(dueToRunning, 0.50), percentile(dueToRunning, 0.99), percentile(claimToRunning, 0.50),
                duplicates, ids.size() - ended, failed, firstFailure);
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
