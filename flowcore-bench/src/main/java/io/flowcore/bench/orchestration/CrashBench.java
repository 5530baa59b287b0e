package io.flowcore.bench.orchestration;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Exactly-once under a crash: N runs of a no-op deployment that queues a crashed run again once, drained by
 * W worker processes on one store; when half have run, worker 0 is killed with SIGKILL. The surviving workers'
 * engines see its process is gone and mark its runs Crashed; their retries run on the survivors. It ends with
 * <pre>
 * crash store=postgres workers=4 runs=10000 crashed=… retried=… crash_detected_s=… duplicates=0 lost=0
 * </pre>
 * {@code duplicates}: flow runs whose body ran more than once (every worker appends a run's id as its body runs,
 * so the killed one's count too); {@code lost}: runs (and retries) not in a final state at the end;
 * {@code crash_detected_s}: from the kill to the last of the killed worker's runs marked Crashed.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh crash [--runs 10000] [--workers 4] [--store postgres|sqlite] [--limit 8]}.
 */
public final class CrashBench {
    static final String DEPLOYMENT = "orch-crash";

    private CrashBench() {
    }

    /** The deployment the crash benchmark's runs are created from: a crashed run is queued again once. */
    static Deployment deployment() {
        return Deployment.of(NoOpFlow.class, "noop", DEPLOYMENT).withWorkQueue(FlowcoreOrchestration.QUEUE).withRetries(1);
    }

    public static void main(String[] args) throws Exception {
        int runs = 10_000, workers = 4, limit = 8;
        String storeName = "postgres";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--store" -> storeName = args[i + 1];
                case "--limit" -> limit = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (valid: --runs, --workers, "
                        + "--store, --limit)");
            }
        }
        if (workers < 2) throw new IllegalArgumentException("--workers must be >= 2: one is killed, the others finish");
        Path dir = Files.createTempDirectory("flowcore-crash-");
        BenchStore store = storeName.equals("sqlite") ? BenchStore.sqlite(dir.resolve("crash.db"))
                : BenchStore.freshPostgresSchema(requireEnv("FLOWCORE_PG_URL"),
                System.getenv().getOrDefault("FLOWCORE_PG_USER", "flowcore"), "flowcore_crash");
        try {
            System.out.println(measure(store, workers, runs, limit, dir));
        } finally {
            store.drop();
        }
    }

    private static String requireEnv(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run `bash .ci/test-infra.sh up` and source the env.sh "
                    + "it writes, or pass --store sqlite");
        }
        return v;
    }

    static String measure(BenchStore store, int workers, int runs, int limit, Path dir) throws Exception {
        Path parentHome = Files.createDirectories(dir.resolve("parent"));
        Path executions = Files.createDirectories(dir.resolve("executions"));
        try (Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(parentHome);
            store.configure(cfg);
        })) {
            fc.deployments().apply(deployment());
            String fullName = NoOpFlow.FLOW + "/" + DEPLOYMENT;
            List<UUID> originals = FlowcoreOrchestration.createRuns(fc, fullName, runs, store.isPostgres() ? 4 : 1);
            Instant killedAt;
            try (ChildJvms children = ChildJvms.start(workers, FlowcoreWorkerMain.class, i -> List.of(store.spec(),
                    dir.resolve("worker-" + i).toString(), String.valueOf(limit), "100",
                    executions.resolve("worker-" + i + ".txt").toString(), executions.resolve("live-" + i + ".txt").toString()),
                    BenchStore.childEnvironment())) {
                children.awaitReady(Duration.ofMinutes(2));
                children.go();
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (children.executed() < runs / 2 && System.nanoTime() < deadline) Thread.sleep(5);
                children.kill(0); // SIGKILL: its engine writes nothing more, its runs are left Running
                killedAt = Instant.now();
                System.out.printf(Locale.ROOT, "crash: killed worker 0 after %d of %d runs had run%n", children.executed(), runs);
                awaitAllEnded(fc, originals, Duration.ofMinutes(5));
                children.stop(Duration.ofMinutes(1));
            }
            return figures(store, workers, runs, fc, originals, killedAt, executions);
        }
    }

    /** Until every original run and every retry of a crashed one has a final state, or the timeout passed. */
    private static void awaitAllEnded(Flowcore fc, List<UUID> originals, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<FlowRunRecord> all = fc.history().flowRuns(FlowRunQuery.all().flow(NoOpFlow.FLOW).limit(10 * originals.size()));
            Set<UUID> crashed = new HashSet<>();
            boolean open = false;
            for (FlowRunRecord r : all) {
                if (!r.state().isFinal()) open = true;
                if (r.state().type() == StateType.CRASHED) crashed.add(r.id());
            }
            for (FlowRunRecord r : all) if (r.resumeOf() != null) crashed.remove(r.resumeOf());
            if (!open && crashed.isEmpty() && all.size() >= originals.size()) return;
            Thread.sleep(500);
        }
        System.err.println("crash: not every run ended within " + timeout + "; the rest counts as lost");
    }

    private static String figures(BenchStore store, int workers, int runs, Flowcore fc, List<UUID> originals,
                                  Instant killedAt, Path executions) throws IOException {
        List<FlowRunRecord> all = fc.history().flowRuns(FlowRunQuery.all().flow(NoOpFlow.FLOW).limit(10 * runs));
        Map<UUID, FlowRunRecord> byId = new HashMap<>();
        Map<UUID, FlowRunRecord> retryOf = new HashMap<>();
        for (FlowRunRecord r : all) {
            byId.put(r.id(), r);
            if (r.resumeOf() != null) retryOf.put(r.resumeOf(), r);
        }
        int crashed = 0, retried = 0, lost = 0;
        Instant lastCrash = killedAt;
        for (UUID id : originals) {
            FlowRunRecord r = byId.get(id);
            if (r == null || !r.state().isFinal()) {
                lost++;
                continue;
            }
            if (r.state().type() != StateType.CRASHED) continue;
            crashed++;
            if (r.state().timestamp().isAfter(lastCrash)) lastCrash = r.state().timestamp();
            FlowRunRecord again = retryOf.get(id);
            if (again == null || !again.state().isFinal()) lost++;
            else if (again.state().type() == StateType.COMPLETED) retried++;
        }
        Map<String, Integer> bodies = new HashMap<>();
        try (var files = Files.list(executions)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("live-")).toList()) {
                for (String line : Files.readAllLines(f)) if (!line.isBlank()) bodies.merge(line, 1, Integer::sum);
            }
        }
        long duplicates = bodies.values().stream().filter(n -> n > 1).count();
        return String.format(Locale.ROOT, "crash store=%s workers=%d runs=%d crashed=%d retried=%d crash_detected_s=%.2f "
                + "duplicates=%d lost=%d", store.name(), workers, runs, crashed, retried,
                Duration.between(killedAt, lastCrash).toMillis() / 1000.0, duplicates, lost);
    }
}
