package io.flowcore.bench.schedule;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.state.StateType;
import io.flowcore.bench.orchestration.BenchStore;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/*
 * Start lateness: how long after its scheduled instant a run of a schedule is Running, with one idle
 * worker (default settings: polls every 0.5 s) in this JVM, on the real clock. D deployments each have an
 * interval of D seconds, anchored one second apart plus a random fraction of a second, so one run comes
 * due every second at a moment unrelated to the worker's poll. Their runs were created ahead by apply,
 * as a scheduler does. Lateness = the Running state's timestamp - the Scheduled state's scheduled time, for
 * every run due in the measured window; a run due in it that never started counts as missed.
 */
final class StartLateness {
    static final String QUEUE = "sched-late";

    /** The figures; times in milliseconds. */
    record Measured(String store, int runs, int missed, double p50, double p99, double max, long pollMs) {
    }

    private StartLateness() {
    }

    static Measured measure(BenchStore store, int seconds, Path home) throws Exception {
        int deployments = 8;
        Random random = new Random(42);
        Duration poll = Duration.ofMillis(500); // the worker's default
        try (Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(home);
            cfg.notificationPolling(Duration.ZERO);
            store.configure(cfg);
        })) {
            LocalDateTime anchor = LocalDateTime.of(2026, 1, 1, 0, 0);
            for (int j = 0; j < deployments; j++) {
                LocalDateTime a = anchor.plusSeconds(j).plusNanos(random.nextInt(1000) * 1_000_000L);
                fc.deployments().apply(Deployment.of(TickFlow.class, "tick", "late" + j).withWorkQueue(QUEUE)
                        .withSchedules(Schedule.every(Duration.ofSeconds(deployments)).withAnchor(a)));
            }
            Instant from = Instant.now().plusSeconds(2);
            Instant to = from.plusSeconds(seconds);
            try (Worker w = fc.worker(o -> o.queues(QUEUE).pollInterval(poll)).start()) {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), to).toMillis()) + 3_000);
                w.stop(Duration.ofSeconds(30));
            }
            List<Double> lateness = new ArrayList<>();
            int missed = 0;
            for (FlowRunRecord r : fc.history().flowRuns(FlowRunQuery.all().flow(TickFlow.FLOW).limit(100_000))) {
                List<StateChange> h = fc.history().stateHistory(r.id());
                Instant due = h.getFirst().state().scheduledTime();
                if (due == null || due.isBefore(from) || !due.isBefore(to)) continue;
                Instant running = h.stream().filter(c -> c.state().type() == StateType.RUNNING).map(c -> c.state().timestamp())
                        .findFirst().orElse(null);
                if (running == null) missed++;
                else lateness.add(Duration.between(due, running).toNanos() / 1e6);
            }
            return new Measured(store.name(), lateness.size(), missed, ScheduleBench.percentile(lateness, 0.50),
                    ScheduleBench.percentile(lateness, 0.99), ScheduleBench.percentile(lateness, 1.0), poll.toMillis());
        }
    }
}
