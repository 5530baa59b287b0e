package io.flowcore.engine.schedule;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Retention in a worker: deletes the runs that ended more than `retention` ago, with their task runs, state
 * history, logs and notification events (the store's deleteEndedRuns, the path of `flow-run delete
 * --older-than`), so a store fed by schedules does not grow without bound. A pass deletes in batches of
 * BATCH runs, each batch the store's own transactions, until a batch comes back short; passes run every
 * `interval` on the engine's clock (a fake one in tests), looked at every `poll` of real time.
 *
 * Several workers may prune one store at once: the delete repeats the "ended" condition, and a run another
 * pruner deleted first is simply not there any more.
 */
public final class Pruner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.flowcore.engine");
    /** How often a worker prunes, on the engine's clock. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    static final int BATCH = 500;

    private final StateStore store;
    private final InstantSource clock;
    private final Duration retention;
    private final Duration interval;
    private final Duration poll;
    private Instant nextPass = Instant.MIN; // guarded by this
    private Thread thread;

    /**
     * @param retention runs that ended (were created) longer ago than this are deleted; more than zero
     * @param interval  how often a pass runs, on {@code clock}
     * @param poll      how often the background thread looks at {@code clock}
     */
    public Pruner(StateStore store, InstantSource clock, Duration retention, Duration interval, Duration poll) {
        if (!retention.isPositive()) throw new IllegalArgumentException("retention must be more than zero: " + retention);
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.interval = interval;
        this.poll = poll;
    }

    /** Deletes, in batches, every run that ended more than the retention ago; returns how many it deleted. */
    public synchronized int pruneOnce() {
        // One reading of the clock: the next pass is due an interval after the instant this one pruned up to
        Instant now = clock.instant();
        Instant before = now.minus(retention);
        int total = 0;
        while (true) {
            List<FlowRunRecord> gone = store.deleteEndedRuns(before, List.of(), false, BATCH);
            total += gone.size();
            if (gone.size() < BATCH) break;
        }
        if (total > 0) LOG.info("retention: deleted {} run(s) that ended before {} (older than {})", total, before, retention);
        nextPass = now.plus(interval);
        return total;
    }

    /** Runs a pass in the background now and every interval after, until closed; returns this pruner. */
    public synchronized Pruner start() {
        if (thread != null) throw new IllegalStateException("this pruner is already started");
        thread = Thread.ofPlatform().daemon().name("flowcore-pruner").start(this::loop);
        return this;
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                synchronized (this) {
                    if (!clock.instant().isBefore(nextPass)) pruneOnce();
                }
            } catch (RuntimeException e) {
                LOG.warn("retention: deleting ended runs failed, retrying at the next pass: {}", e.toString());
                synchronized (this) {
                    nextPass = clock.instant().plus(interval);
                }
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the background thread (a pass in progress finishes its batch first). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) return;
        t.interrupt();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
