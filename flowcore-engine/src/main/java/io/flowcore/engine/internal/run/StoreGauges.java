package io.flowcore.engine.internal.run;

import io.flowcore.api.run.RunCounts;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.StateType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gauges read from the store, the same in every process on it (server, workers):
 * <ul>
 *   <li>{@code flowcore.flow.runs}: flow runs per state, tagged {@code type} and {@code state} (Late runs are
 *       {@code state="Late"});</li>
 *   <li>{@code flowcore.queue.due.runs}: per work queue, the due runs no worker has claimed (its depth);</li>
 *   <li>{@code flowcore.queue.oldest.due}: per work queue, how long the oldest of them has waited, in seconds.</li>
 * </ul>
 * One scrape reads the store once (two grouped queries): the gauges share a snapshot that is read again when
 * older than {@link #MAX_AGE}. A state or queue that appears later gets its gauges at the next read; one that
 * empties reads 0.
 */
public final class StoreGauges {
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /** The states every store may show, registered up front so a dashboard sees 0 rather than no series. */
    private static final List<String[]> KNOWN = List.of(
            new String[] {"SCHEDULED", "Scheduled"}, new String[] {"SCHEDULED", "Late"},
            new String[] {"SCHEDULED", "AwaitingRetry"}, new String[] {"PENDING", "Pending"},
            new String[] {"RUNNING", "Running"}, new String[] {"RUNNING", "Retrying"},
            new String[] {"CANCELLING", "Cancelling"}, new String[] {"COMPLETED", "Completed"},
            new String[] {"FAILED", "Failed"}, new String[] {"CANCELLED", "Cancelled"},
            new String[] {"CANCELLED", "Skipped"}, new String[] {"CRASHED", "Crashed"});

    private final StateStore store;
    private final InstantSource clock;
    private final MeterRegistry registry;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile RunCounts snapshot;
    private volatile long readAtNanos;

    private StoreGauges(StateStore store, InstantSource clock, MeterRegistry registry) {
        this.store = store;
        this.clock = clock;
        this.registry = registry;
    }

    /** Registers the gauges of {@code store} with {@code registry}. */
    public static StoreGauges bind(StateStore store, InstantSource clock, MeterRegistry registry) {
        StoreGauges g = new StoreGauges(store, clock, registry);
        for (String[] s : KNOWN) g.stateGauge(StateType.valueOf(s[0]), s[1]);
        return g;
    }

    private void stateGauge(StateType type, String name) {
        if (!registered.add("state:" + type + "/" + name)) return;
        Gauge.builder("flowcore.flow.runs", this, g -> g.runs(type, name)).strongReference(true)
                .description("Flow runs in the store per state").tag("type", type.name()).tag("state", name)
                .register(registry);
    }

    private void queueGauges(String queue) {
        if (!registered.add("queue:" + queue)) return;
        Gauge.builder("flowcore.queue.due.runs", this, g -> g.backlog(queue, false)).strongReference(true)
                .description("Due runs of a work queue that no worker has claimed").tag("queue", queue).register(registry);
        Gauge.builder("flowcore.queue.oldest.due", this, g -> g.backlog(queue, true)).strongReference(true)
                .description("How long the oldest due, unclaimed run of a work queue has waited").baseUnit("seconds")
                .tag("queue", queue).register(registry);
    }

    private double runs(StateType type, String name) {
        for (RunCounts.StateCount s : counts().states()) if (s.type() == type && s.name().equals(name)) return s.runs();
        return 0;
    }

    private double backlog(String queue, boolean oldestWait) {
        for (RunCounts.QueueBacklog q : counts().queues()) {
            if (q.queue().equals(queue)) return oldestWait ? q.oldestWait().toNanos() / 1e9 : q.dueRuns();
        }
        return 0;
    }

    /** The snapshot, read again when older than MAX_AGE (one reader at a time; others use the previous one). */
    private RunCounts counts() {
        RunCounts c = snapshot;
        if (c != null && System.nanoTime() - readAtNanos < MAX_AGE.toNanos()) return c;
        synchronized (this) {
            if (snapshot != null && System.nanoTime() - readAtNanos < MAX_AGE.toNanos()) return snapshot;
            RunCounts fresh;
            try {
                fresh = store.runCounts(clock.instant());
            } catch (RuntimeException e) { // a store that is away: the gauges keep their last values
                RunLogs.ENGINE.debug("metrics: cannot count the store's runs: {}", e.toString());
                readAtNanos = System.nanoTime();
                return snapshot != null ? snapshot : new RunCounts(clock.instant(), List.of(), List.of());
            }
            snapshot = fresh;
            readAtNanos = System.nanoTime();
            for (RunCounts.StateCount s : fresh.states()) stateGauge(s.type(), s.name());
            for (RunCounts.QueueBacklog q : fresh.queues()) queueGauges(q.queue());
            return fresh;
        }
    }
}
