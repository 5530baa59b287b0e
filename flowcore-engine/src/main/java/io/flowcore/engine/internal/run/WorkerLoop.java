package io.flowcore.engine.internal.run;

import io.flowcore.api.spi.DeploymentStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * A worker: claims due runs from work queues and executes them in this JVM, at most `limit` at a time.
 * A claim is atomic in the store (DeploymentStore.claimDue) and moves the run's claim epoch on, so a run
 * is executed by exactly one worker; the runs are held under this engine's lease, so if this process
 * dies they end Crashed like any run of a dead engine (never executed a second time).
 *
 * The loop claims as many runs as it has free slots plus `ahead` more, which wait here (Pending, held
 * under this engine's lease like the running ones) and start the moment a running run ends (that run's
 * thread starts the next one). So under a backlog a slot never waits for a claim transaction, and claims come in
 * batches: the loop claims again when a slot is idle or `batch` places are free (db-scheduler's
 * lock-and-fetch does the same with its executor queue, between half and all of its threads). An idle
 * worker claims at once, so a run that becomes due waits no longer. At most `limit` runs execute at once.
 * Closing stops claiming and waits for the running and waiting runs up to a grace period; the engine's
 * close then marks what is still running Crashed.
 */
public final class WorkerLoop implements AutoCloseable {
    private final Engine engine;
    private final DeploymentStore store;
    private final Set<String> queues;
    private final int limit;
    private final Duration poll;
    private final Duration shutdownGrace;
    /** Runs claimed ahead of a free slot: half the limit. */
    private final int ahead;
    /** Free places worth a claim when no slot is idle: half the limit (at least one). */
    private final int batch;
    /** Claimed runs waiting for a slot, oldest first (guarded by lock). */
    private final java.util.ArrayDeque<DeploymentStore.ClaimedRun> waiting = new java.util.ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int running;
    private long executed;
    /** Set when the store said a run was queued (guarded by lock): the loop claims again without waiting. */
    private boolean queued;
    private AutoCloseable queuedListener;
    private volatile boolean stopping;
    private Thread loop;
    /** Creates the runs of schedules; null when this worker does not schedule. */
    private final io.flowcore.engine.internal.schedule.Scheduler scheduler;
    private final Duration schedulerInterval;
    private final Object schedulerLock = new Object();
    private java.time.Instant nextSchedulerPass = java.time.Instant.MIN; // guarded by schedulerLock
    private Thread schedulerThread;
    /*
     * Every SWEEP_EVERY the worker looks for deployment runs that crashed without a retry queued: the engine that
     * marked one Crashed queues its retry right after, but may stop in between (killed, or a worker's engine
     * closing with runs still running). Runs that crashed in the last SWEEP_SETTLE are left to that engine.
     */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(30);
    private static final Duration SWEEP_SETTLE = Duration.ofSeconds(15);
    private static final Duration SWEEP_WINDOW = Duration.ofHours(1);
    private java.time.Instant nextSweep = java.time.Instant.MIN; // only the claiming thread (or runOnce) touches it

    public WorkerLoop(Engine engine, Set<String> queues, int limit, Duration poll, Duration shutdownGrace) {
        this(engine, queues, limit, poll, shutdownGrace, io.flowcore.engine.internal.schedule.Scheduler.Settings.DEFAULT,
                Duration.ofSeconds(10));
    }

    /**
     * @param scheduling        how far ahead this worker's scheduler creates runs; null: it does not schedule
     * @param schedulerInterval how often (on the engine's clock) it runs a scheduler pass
     */
    public WorkerLoop(Engine engine, Set<String> queues, int limit, Duration poll, Duration shutdownGrace,
                      io.flowcore.engine.internal.schedule.Scheduler.Settings scheduling, Duration schedulerInterval) {
        if (limit < 1) throw new IllegalArgumentException("a worker's limit must be >= 1: " + limit);
        this.engine = engine;
        this.store = new DeploymentService(engine).store();
        this.queues = Set.copyOf(queues);
        this.limit = limit;
        this.ahead = limit / 2;
        this.batch = Math.max(1, limit / 2);
        this.poll = poll;
        this.shutdownGrace = shutdownGrace;
        this.scheduler = scheduling == null ? null
                : new io.flowcore.engine.internal.schedule.Scheduler(new DeploymentService(engine), scheduling);
        this.schedulerInterval = schedulerInterval;
        // A worker loads the parameter validator as it is made, not while its first runs wait for it.
        Thread.ofVirtual().name("flowcore-validator-load").start(io.flowcore.engine.internal.params.ParameterBinder::load);
    }

    /*
     * The scheduler runs on a thread of its own, so a long pass (many deployments) never delays claiming.
     * It looks at the engine's clock every poll interval and runs a pass when one is due.
     */
    private void scheduleLoop() {
        while (!stopping) {
            scheduleIfDue();
            if (scheduler != null) scheduler.overlap(); // skip / cancel-previous between passes
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A scheduler pass when one is due on the engine's clock (every worker runs one; they never create duplicates). */
    private void scheduleIfDue() {
        synchronized (schedulerLock) {
            passIfDue();
        }
    }

    private void passIfDue() {
        if (scheduler == null) return;
        java.time.Instant now = engine.clock.instant();
        if (now.isBefore(nextSchedulerPass)) return;
        nextSchedulerPass = now.plus(schedulerInterval);
        try {
            scheduler.pass();
        } catch (RuntimeException e) {
            RunLogs.ENGINE.warn("worker: the scheduler pass failed, retrying in {} s: {}", schedulerInterval.toSeconds(),
                    Errors.describe(e));
        }
    }

    /** Starts claiming in the background. */
    public synchronized WorkerLoop start() {
        if (loop != null) throw new IllegalStateException("this worker is already started");
        queuedListener = store.onRunsQueued(() -> {
            lock.lock();
            try {
                queued = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        });
        loop = Thread.ofPlatform().daemon().name("flowcore-worker").start(this::loop);
        if (scheduler != null) schedulerThread = Thread.ofPlatform().daemon().name("flowcore-scheduler").start(this::scheduleLoop);
        // SIGTERM: stop claiming and let the running runs finish (up to the grace) before the engine closes.
        engine.onShutdown(() -> {
            try {
                if (!stop(shutdownGrace)) {
                    RunLogs.ENGINE.warn("worker: runs still running after the {} s grace end Crashed",
                            shutdownGrace.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return this;
    }

    private void loop() {
        while (!stopping) {
            try {
                lock.lock();
                try {
                    queued = false; // what is queued from now on wakes the wait below
                } finally {
                    lock.unlock();
                }
                sweepCrashed();
                int claimed = claimOnce();
                lock.lock();
                try {
                    if (!stopping && (claimed == 0 && !queued || toClaim() == 0)) {
                        changed.await(io.flowcore.engine.internal.schedule.Scheduler.waitNanos(scheduler, engine.clock, poll), TimeUnit.NANOSECONDS);
                    }
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                RunLogs.ENGINE.warn("worker: claiming runs failed, retrying in {} s: {}", poll.toMillis() / 1000.0,
                        Errors.describe(e));
                sleepQuietly();
            }
        }
    }

    private synchronized void sweepCrashed() {
        java.time.Instant now = engine.clock.instant();
        if (now.isBefore(nextSweep)) return;
        nextSweep = now.plus(SWEEP_EVERY);
        try {
            new DeploymentActions(engine, new DeploymentService(engine))
                    .retryCrashedWithoutRetry(now.minus(SWEEP_WINDOW), now.minus(SWEEP_SETTLE));
        } catch (RuntimeException e) {
            RunLogs.ENGINE.warn("worker: looking for crashed runs to retry failed: {}", Errors.describe(e));
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many runs to claim now (0: not worth a claim yet). Called holding lock. */
    private int toClaim() {
        int held = running + waiting.size();
        int free = limit + ahead - held;
        return held < limit || free >= batch ? free : 0;
    }

    /** Claims what is due for the free places and starts what fits; returns how many runs it claimed. */
    private int claimOnce() {
        int free;
        lock.lock();
        try {
            free = toClaim();
        } finally {
            lock.unlock();
        }
        if (free <= 0) return 0;
        List<DeploymentStore.ClaimedRun> claimed = store.claimDue(engine.engineId, queues, engine.clock.instant(), free);
        lock.lock();
        try {
            waiting.addAll(claimed);
        } finally {
            lock.unlock();
        }
        startWaiting();
        return claimed.size();
    }

    /** Starts waiting runs while slots are free. */
    private void startWaiting() {
        while (true) {
            DeploymentStore.ClaimedRun c;
            lock.lock();
            try {
                if (running >= limit || waiting.isEmpty()) return;
                c = waiting.poll();
                running++;
            } finally {
                lock.unlock();
            }
            Thread.ofVirtual().name("flowcore-worker-run-" + c.run().name()).start(() -> execute(c));
        }
    }

    private void execute(DeploymentStore.ClaimedRun c) {
        try {
            engine.executeClaimed(c);
        } catch (Throwable t) {
            RunLogs.ENGINE.error("worker: flow run '{}' ended with an error: {}", c.run().name(), Errors.describe(t));
        } finally {
            lock.lock();
            try {
                running--;
                executed++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            startWaiting(); // the next waiting run takes this slot at once
        }
    }

    /**
     * Runs what is due now, then returns once those runs have ended (the CLI's {@code --run-once}).
     *
     * @return the number of runs it executed
     */
    public long runOnce() throws InterruptedException {
        long before = executedCount();
        synchronized (schedulerLock) {
            nextSchedulerPass = java.time.Instant.MIN;
            passIfDue();
        }
        sweepCrashed();
        while (claimOnce() > 0 || held() > 0) {
            lock.lock();
            try {
                if (running > 0 || !waiting.isEmpty()) changed.await(poll.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                lock.unlock();
            }
        }
        return executedCount() - before;
    }

    /** Runs running or waiting for a slot. */
    private int held() {
        lock.lock();
        try {
            return running + waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Runs this worker has executed to their end. */
    public long executedCount() {
        lock.lock();
        try {
            return executed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops claiming and waits up to {@code grace} for the running runs, and the claimed ones waiting for a
     * slot, to end; true when they all did.
     */
    public boolean stop(Duration grace) throws InterruptedException {
        stopping = true;
        AutoCloseable listener;
        synchronized (this) {
            listener = queuedListener;
            queuedListener = null;
        }
        if (listener != null) {
            try {
                listener.close();
            } catch (Exception e) {
                RunLogs.ENGINE.debug("worker: stopping the queued-run listener failed: {}", e.toString());
            }
        }
        Thread t;
        Thread s;
        synchronized (this) {
            t = loop;
            s = schedulerThread;
        }
        for (Thread th : new Thread[] {t, s}) {
            if (th == null) continue;
            th.interrupt();
            th.join();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        lock.lock();
        try {
            while (running > 0 || !waiting.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #stop} with a 30 s grace period. */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
