package io.flowcore.engine.internal.store;

import io.flowcore.api.spi.Claim;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Group commit. submit() appends the op to the journal and to the pending list under one lock, so the
 * journal order is the apply order, and returns: the caller never waits for the database. One writer
 * thread swaps the pending list out under the lock, applies it in one transaction, then publishes
 * `committed` (the number of submitted ops now in the database) and wakes flush() callers. A TakeOver
 * is queued like any op but not journaled: its caller waits for its result.
 *
 * Backpressure: submit() waits while MAX_BACKLOG ops or MAX_BACKLOG_BYTES of them are pending, so memory
 * stays bounded in bytes too (results up to the inline limit travel in the ops).
 *
 * Tickets: `appended` counts submitted ops; flush() waits until committed >= the appended it saw.
 * When the journal is past TRUNCATE_AT and committed == appended (checked under the lock, so no submit
 * is in between), every record in it is in the database and the journal is cut back to empty. Under
 * load that never lets the queue run empty, the writer applies one batch while holding the lock once
 * the journal passes FORCE_TRUNCATE_AT, which bounds the journal's size.
 *
 * Failures.
 *  - A busy/locked/connection error rolls the transaction back and retries the same batch (all ops are
 *    idempotent) with a growing pause, for as long as it takes: the journal holds the ops, so an outage
 *    loses nothing. What is bounded is how long a *caller* waits: once the database has been failing for
 *    `retryWindow`, flush(), a full backlog and close() give up with a StoreException instead of hanging,
 *    and close() leaves the journal for the next open to replay.
 *  - Any other error (a constraint, a value the database refuses, a bug) is blamed on one op, never on
 *    the store: the batch is applied op by op, each in its own transaction, and the op that still fails
 *    is quarantined — logged with what it was and appended to a quarantine journal beside the journal —
 *    and the writer goes on. One bad log line must not stop every later run.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final long TRUNCATE_AT = 4L << 20;
    /** Past this size the next batch is applied while holding the lock, so the journal can be emptied. */
    private static final long FORCE_TRUNCATE_AT = 64L << 20;
    /**
     * Backpressure: at most this many ops wait for the writer (about 25,000 task runs, some 25 MB); a
     * submitter past it waits for the writer, so a burst of tiny tasks cannot grow the heap without bound.
     */
    private static final long MAX_BACKLOG = 100_000;
    /** Backpressure in bytes (journal-encoded size): inline results and long log lines fill this before the count. */
    static final long MAX_BACKLOG_BYTES = 64L << 20;
    private static final long MAX_PAUSE_MILLIS = 1_000;

    /** Opens the writer's connection; called again after a connection error. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final OpTarget target;
    private final WriteBehindJournal journal;
    private final long retryWindowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final Thread thread;
    private volatile Consumer<Set<UUID>> refusedListener = ids -> { };
    private List<StoreOp> pending = new ArrayList<>();
    private List<StoreOp> spare = new ArrayList<>();
    private long appended;
    private long committed;
    private long appendedBytes;
    private long committedBytes;
    private long peakBacklogBytes;
    private long quarantined;
    /** System.nanoTime() when the database started failing, 0 while it answers. */
    private volatile long failingSince;
    private volatile Throwable lastError;
    private boolean writerIdle;
    private boolean closing;
    private volatile boolean stopping;
    private boolean halted;
    private boolean closed;
    /** Set (under the lock) as the writer thread ends, for whatever reason: waiters must not wait for it any more. */
    private boolean writerEnded;

    /**
     * @param target      where batches are applied (owned from now on)
     * @param retryWindow how long callers wait for a failing target before they get an error
     * @param startThread false only in tests that simulate a writer that never gets to apply anything
     */
    GroupCommitWriter(OpTarget target, WriteBehindJournal journal, Duration retryWindow, boolean startThread) {
        this.target = target;
        this.journal = journal;
        this.retryWindowNanos = retryWindow.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("flowcore-store-writer").unstarted(this::run);
        if (startThread) thread.start();
    }

    /** Who hears of runs whose writes were refused because their claim had moved on (on the writer thread). */
    void onRefused(Consumer<Set<UUID>> listener) {
        this.refusedListener = listener;
    }

    /** Journals the op (unless it is a TakeOver) and queues it for the writer thread. */
    void submit(StoreOp op) {
        lock.lock();
        try {
            checkWritable();
            while ((appended - committed >= MAX_BACKLOG || appendedBytes - committedBytes >= MAX_BACKLOG_BYTES)
                    && !halted && writerAlive()) {
                checkReachable("the writer's backlog is full");
                awaitProgress();
            }
            // A TakeOver is not journaled; it is small.
            appendedBytes += op instanceof StoreOp.TakeOver ? 64 : journal.append(op);
            peakBacklogBytes = Math.max(peakBacklogBytes, appendedBytes - committedBytes);
            pending.add(op);
            appended++;
            if (writerIdle) work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The lock that orders submits; a caller may hold it around several submits (it is reentrant). */
    ReentrantLock lock() {
        return lock;
    }

    long origin() {
        return journal.origin();
    }

    /** The most bytes of ops that waited for the writer at once since it started (at most about MAX_BACKLOG_BYTES). */
    long peakBacklogBytes() {
        lock.lock();
        try {
            return peakBacklogBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Ops the writer could not apply and set aside since it started. */
    long quarantined() {
        lock.lock();
        try {
            return quarantined;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every op submitted before the call is committed.
     *
     * @throws StoreException when the database has been failing for longer than the retry window
     */
    void flush() {
        lock.lock();
        try {
            long target = appended;
            while (committed < target) {
                if (halted) throw new IllegalStateException("the state store's writer is halted (test hook)");
                if (!writerAlive()) throw new IllegalStateException("the state store's writer has stopped");
                checkReachable("waiting for writes to reach it");
                awaitProgress();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock. */
    private boolean writerAlive() {
        return !writerEnded && thread.isAlive();
    }

    /**
     * Called under the lock. While the store answers, waits for the writer's signal: it signals every commit, every
     * failed attempt, a halt and its own end. A timed wait would cost each waiting (virtual) thread a timer
     * registration and its cancellation; a worker waits once per run. While the store is failing, wakes every
     * 100 ms too, so that checkReachable gives up on time even while an attempt hangs until its socket timeout.
     */
    private void awaitProgress() {
        try {
            if (failingSince == 0) progress.await();
            else progress.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Waiting for the store is not interruptible (the caller's state write must not be lost);
            // keep the flag for the caller.
            Thread.currentThread().interrupt();
            progress.awaitUninterruptibly();
        }
    }

    private void checkWritable() {
        if (closing || closed) throw new IllegalStateException("the state store is closed");
    }

    /** Throws a StoreException when the database has been failing for longer than the retry window. */
    void checkReachable(String doing) {
        long since = failingSince;
        if (since != 0 && System.nanoTime() - since > retryWindowNanos) {
            throw new StoreException("the " + target.name() + " state store has been failing for "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since) + " s (" + doing + "); writes stay in "
                    + journal.file() + " and are applied when it answers again", lastError);
        }
    }

    private void run() {
        try {
            drain();
        } finally {
            lock.lock();
            try {
                writerEnded = true;
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void drain() {
        while (true) {
            List<StoreOp> batch;
            long upTo;
            long upToBytes;
            boolean holdLock = false;
            lock.lock();
            try {
                while (pending.isEmpty() && !closing && !halted) {
                    writerIdle = true;
                    work.awaitUninterruptibly();
                    writerIdle = false;
                }
                if (halted || pending.isEmpty()) return;
                batch = pending;
                pending = spare;
                upTo = appended;
                upToBytes = appendedBytes;
                // A journal this big means the queue never ran empty: keep the lock for this one batch
                // (submitters wait), so that afterwards everything is committed and the journal can be emptied.
                holdLock = journal.size() > FORCE_TRUNCATE_AT;
            } finally {
                if (!holdLock) lock.unlock();
            }
            OpApplier.Outcome outcome;
            try {
                outcome = applyWithRetry(batch);
            } catch (InterruptedException stopped) {
                if (lock.isHeldByCurrentThread()) lock.unlock();
                failTakeovers(batch, new StoreException("the state store closed before the takeover was applied",
                        lastError));
                return; // close() gave up on a database that does not answer: the journal keeps the batch
            }
            // Tell before flush() returns: a caller that flushed has then also heard of its refused writes.
            for (Map.Entry<StoreOp.TakeOver, Optional<Claim>> t : outcome.takeovers) t.getKey().result().complete(t.getValue());
            if (!outcome.refused.isEmpty()) {
                try {
                    refusedListener.accept(Set.copyOf(outcome.refused));
                } catch (RuntimeException e) {
                    LOG.warn("a listener for refused state writes failed", e);
                }
            }
            batch.clear();
            if (!lock.isHeldByCurrentThread()) lock.lock();
            try {
                spare = batch;
                committed = upTo;
                committedBytes = upToBytes;
                quarantined += outcome.quarantined;
                progress.signalAll();
                if (committed == appended && journal.size() > TRUNCATE_AT) journal.truncate();
            } finally {
                lock.unlock();
            }
        }
    }

    private static void failTakeovers(List<StoreOp> batch, Throwable why) {
        for (StoreOp op : batch) if (op instanceof StoreOp.TakeOver t) t.result().completeExceptionally(why);
    }

    /** Applies the batch, retrying transient errors until it is in; a bad op is quarantined, not retried. */
    private OpApplier.Outcome applyWithRetry(List<StoreOp> batch) throws InterruptedException {
        long pauseMillis = 1;
        while (true) {
            try {
                OpApplier.Outcome out = new OpApplier.Outcome();
                target.apply(batch, out);
                healthy();
                return out;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Exception e) {
                if (stopping) throw new InterruptedException("closing"); // not the op's fault: keep it in the journal
                if (!target.isTransient(e)) return applyEach(batch);
                pauseMillis = pauseAfter(e, pauseMillis);
            }
        }
    }

    /** Applies op by op, each in its own transaction, quarantining those that fail for good. */
    private OpApplier.Outcome applyEach(List<StoreOp> batch) throws InterruptedException {
        OpApplier.Outcome total = new OpApplier.Outcome();
        for (StoreOp op : batch) {
            long pauseMillis = 1;
            while (true) {
                try {
                    target.apply(List.of(op), total);
                    healthy();
                    break;
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Exception e) {
                    if (stopping) throw new InterruptedException("closing");
                    if (target.isTransient(e)) {
                        pauseMillis = pauseAfter(e, pauseMillis);
                        continue;
                    }
                    quarantine(op, e, total);
                    break;
                }
            }
        }
        return total;
    }

    private void quarantine(StoreOp op, Exception why, OpApplier.Outcome out) {
        out.quarantined++;
        if (op instanceof StoreOp.TakeOver t) {
            t.result().completeExceptionally(new StoreException("the takeover of flow run " + t.expected().flowRunId()
                    + " failed: " + why.getMessage(), why));
            return;
        }
        String kept = journal.quarantine(op);
        LOG.error("the {} state store refused a write and set it aside ({}); the writer goes on. The write: {}. "
                + "Cause: {}", target.name(), kept, describe(op), why.toString());
    }

    /** What an op is, for the log: its kind and the run it is about, never its full payload. */
    static String describe(StoreOp op) {
        return switch (op) {
            case StoreOp.InsertFlowRun i -> "insert of flow run " + i.run().id();
            case StoreOp.InsertTaskRun i -> "insert of task run " + i.run().id();
            case StoreOp.SetFlowRunState s -> "state " + s.state().name() + " of flow run " + s.runId();
            case StoreOp.SetTaskRunState s -> "state " + s.state().name() + " of task run " + s.runId();
            case StoreOp.FinishTasks f -> "ending the task runs of flow run " + f.flowRunId();
            case StoreOp.AppendLog l -> "a log line of flow run " + l.log().flowRunId();
            case StoreOp.PutCache c -> "the cache entry " + c.entry().cacheKey();
            case StoreOp.Heartbeat h -> "the heartbeat of engine " + h.lease().engineId();
            case StoreOp.ReleaseLease r -> "the lease release of engine " + r.engineId();
            case StoreOp.TakeOver t -> "a takeover of flow run " + t.expected().flowRunId();
        };
    }

    private void healthy() {
        failingSince = 0;
        lastError = null;
    }

    /** Notes a transient failure, pauses (growing, capped) and returns the next pause. */
    private long pauseAfter(Exception e, long pauseMillis) throws InterruptedException {
        if (failingSince == 0) {
            failingSince = System.nanoTime();
            LOG.warn("the {} state store does not answer ({}); retrying, writes are kept in {}", target.name(),
                    e.getMessage(), journal.file());
        }
        lastError = e;
        lock.lock();
        try {
            progress.signalAll(); // waiters that wait without a timeout start looking at the clock
        } finally {
            lock.unlock();
        }
        if (stopping) throw new InterruptedException("closing");
        Thread.sleep(pauseMillis);
        return Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
    }

    /** Applies ops in one transaction on {@code c}; rolls back on failure. Also used by the journal replay. */
    static void applyInTransaction(Dialect dialect, OpApplier applier, Connection c, List<StoreOp> ops, boolean each,
                                   OpApplier.Outcome out) throws SQLException {
        dialect.inTransaction(c, tx -> {
            if (each) applier.writeEach(tx, ops, out);
            else applier.write(tx, ops, out);
            return null;
        });
    }

    /**
     * Applies everything submitted, stops the writer thread and deletes the journal. When the database
     * has been failing for longer than the retry window, stops without it and keeps the journal.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = Thread.interrupted(); // closing must finish: the flag is restored at the end
        while (thread.isAlive()) {
            interrupted |= joinWriter(100);
            long since = failingSince;
            if (since != 0 && System.nanoTime() - since > retryWindowNanos && !stopping) {
                LOG.warn("closing the {} state store without the database: it has not answered for {} s; {} keeps "
                        + "the unapplied writes for the next open", target.name(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since), journal.file());
                stopping = true;
                thread.interrupt();
            }
        }
        lock.lock();
        try {
            closed = true;
            if (!halted && committed == appended) journal.close();
            else journal.abandon();
        } finally {
            lock.unlock();
        }
        target.close();
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Test hook: stops the writer as a killed process would, leaving the journal unapplied and unlocked. */
    void haltForTest() {
        lock.lock();
        try {
            halted = true;
            work.signal();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        stopping = true; // a writer retrying a target that does not answer stops too
        thread.interrupt();
        boolean interrupted = Thread.interrupted();
        while (thread.isAlive()) interrupted |= joinWriter(100);
        if (interrupted) Thread.currentThread().interrupt();
        lock.lock();
        try {
            closed = true;
            journal.abandon();
        } finally {
            lock.unlock();
        }
        target.close();
    }

    /** Joins the writer for up to {@code millis}; true when this thread was interrupted meanwhile (flag cleared). */
    private boolean joinWriter(long millis) {
        try {
            thread.join(millis);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
