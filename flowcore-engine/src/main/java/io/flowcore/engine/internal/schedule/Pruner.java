package io.flowcore.engine.internal.schedule;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.ResultStore;
import io.flowcore.api.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Retention in a worker: deletes the runs that ended more than a retention ago, with their task runs, state
 * history, logs and notification events (the store's pruneEndedRuns, beside the path of `flow-run delete
 * --older-than`), so a store fed by schedules does not grow without bound. A deployment with a retention of
 * its own (Deployment.withRetention, its newest version's) has its runs kept that long, shorter or longer;
 * the engine's `retention` applies to every other run (none: they are kept). The large results of the
 * deleted task runs go from the result store too, unless a remaining run or a cache entry still names them
 * (the store says which). A pass deletes in batches of
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
    private final ResultStore results;
    private final InstantSource clock;
    private final Duration retention;
    private final Duration interval;
    private final Duration poll;
    private Instant nextPass = Instant.MIN; // guarded by this
    private Thread thread;

    /**
     * @param results   where the deleted task runs' large results are deleted from
     * @param retention runs that ended (were created) longer ago than this are deleted, unless their deployment
     *                  has a retention of its own; more than zero, or null to keep those runs
     * @param interval  how often a pass runs, on {@code clock}
     * @param poll      how often the background thread looks at {@code clock}
     */
    public Pruner(StateStore store, ResultStore results, InstantSource clock, Duration retention, Duration interval,
                  Duration poll) {
        if (retention != null && !retention.isPositive()) {
            throw new IllegalArgumentException("retention must be more than zero: " + retention);
        }
        this.store = store;
        this.results = results;
        this.clock = clock;
        this.retention = retention;
        this.interval = interval;
        this.poll = poll;
    }

    /**
     * Deletes, in batches, every run that ended more than its retention ago (its deployment's, or the engine's)
     * and the results only those runs named; returns how many runs it deleted.
     */
    public synchronized int pruneOnce() {
        // One reading of the clock: the next pass is due an interval after the instant this one pruned up to
        Instant now = clock.instant();
        Map<String, Instant> own = new TreeMap<>();
        if (store instanceof DeploymentStore d) {
            for (DeploymentRecord r : d.deployments()) if (r.retention() != null) own.put(r.fullName(), now.minus(r.retention()));
        }
        Instant before = retention == null ? null : now.minus(retention);
        int total = 0;
        int files = 0;
        while (before != null || !own.isEmpty()) {
            StateStore.Pruned gone = store.pruneEndedRuns(before, own, BATCH);
            total += gone.runs().size();
            files += deleteResults(results, gone.resultKeys());
            if (gone.runs().size() < BATCH) break;
        }
        if (total > 0) {
            LOG.info("retention: deleted {} run(s) that ended more than their retention ago ({}{}) and {} result(s)", total,
                    retention == null ? "no engine retention" : "engine: " + retention,
                    own.isEmpty() ? "" : ", " + own.size() + " deployment(s) with their own", files);
        }
        nextPass = now.plus(interval);
        return total;
    }

    /**
     * Deletes {@code keys} from {@code results}; returns how many it deleted. A result that cannot be deleted now
     * is logged and left: nothing names it any more, so it is only space.
     */
    public static int deleteResults(ResultStore results, java.util.Collection<String> keys) {
        int deleted = 0;
        for (String key : keys) {
            try {
                if (results.delete(key)) deleted++;
            } catch (RuntimeException e) {
                LOG.warn("retention: cannot delete result {}: {}", key, e.toString());
            }
        }
        return deleted;
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
