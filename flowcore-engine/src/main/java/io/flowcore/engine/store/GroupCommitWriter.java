package io.flowcore.engine.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Group commit. submit() appends the op to the journal and to the pending list under one lock, so the
 * journal order is the apply order, and returns: the caller never waits for the database. One writer
 * thread swaps the pending list out under the lock, applies it in one transaction, then publishes
 * `committed` (the number of submitted ops now in the database) and wakes flush() callers.
 *
 * Backpressure: submit() waits while MAX_BACKLOG ops are pending, so memory stays bounded.
 *
 * Tickets: `appended` counts submitted ops; flush() waits until committed >= the appended it saw.
 * When the journal is past TRUNCATE_AT and committed == appended (checked under the lock, so no submit
 * is in between), every record in it is in the database and the journal is cut back to empty. Under
 * load that never lets the queue run empty, the writer applies one batch while holding the lock once
 * the journal passes FORCE_TRUNCATE_AT, which bounds the journal's size.
 *
 * Failures: a busy/locked/connection error rolls the transaction back and retries the same batch (all
 * ops are idempotent) with a growing pause, for up to RETRY_FOR_NANOS; any other error, or running out
 * of time, stops the writer: flush() and later writes throw, and the journal is kept for the next open.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final long TRUNCATE_AT = 4L << 20;
    /** Past this size the next batch is applied while holding the lock, so the journal can be emptied. */
    private static final long FORCE_TRUNCATE_AT = 64L << 20;
    private static final long RETRY_FOR_NANOS = TimeUnit.SECONDS.toNanos(120);
    /**
     * Backpressure: at most this many ops wait for the writer (about 25,000 task runs, some 25 MB); a
     * submitter past it waits for the writer, so a burst of tiny tasks cannot grow the heap without bound.
     */
    private static final long MAX_BACKLOG = 100_000;

    /** Opens the writer's connection; called again after a connection error. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final Dialect dialect;
    private final Connector connector;
    private final WriteBehindJournal journal;
    private final OpApplier applier = new OpApplier();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final Thread thread;
    private Connection connection;
    private List<StoreOp> pending = new ArrayList<>();
    private List<StoreOp> spare = new ArrayList<>();
    private long appended;
    private long committed;
    private boolean writerIdle;
    private boolean closing;
    private boolean halted;
    private boolean closed;
    private Throwable failure;

    /**
     * @param connection  the writer's connection, prepared and migrated (owned from now on)
     * @param startThread false only in tests that simulate a writer that never gets to apply anything
     */
    GroupCommitWriter(Dialect dialect, Connection connection, Connector connector, WriteBehindJournal journal,
                      boolean startThread) {
        this.dialect = dialect;
        this.connection = connection;
        this.connector = connector;
        this.journal = journal;
        this.thread = Thread.ofPlatform().daemon().name("flowcore-store-writer").unstarted(this::run);
        if (startThread) thread.start();
    }

    /** Journals the op and queues it for the writer thread. */
    void submit(StoreOp op) {
        lock.lock();
        try {
            checkWritable();
            while (appended - committed >= MAX_BACKLOG && !halted && failure == null && thread.isAlive()) {
                progress.awaitUninterruptibly();
            }
            journal.append(op);
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

    /** Waits until every op submitted before the call is committed. */
    void flush() {
        lock.lock();
        try {
            long target = appended;
            while (committed < target) {
                if (failure != null) throw failed();
                if (halted) throw new IllegalStateException("the state store's writer is halted (test hook)");
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkWritable() {
        if (closing || closed) throw new IllegalStateException("the state store is closed");
        if (failure != null) throw failed();
    }

    private IllegalStateException failed() {
        return new IllegalStateException("the state store's writer failed; its journal " + journal.file()
                + " keeps the unapplied writes for the next open", failure);
    }

    private void run() {
        while (true) {
            List<StoreOp> batch;
            long upTo;
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
                // A journal this big means the queue never ran empty: keep the lock for this one batch
                // (submitters wait), so that afterwards everything is committed and the journal can be emptied.
                holdLock = journal.size() > FORCE_TRUNCATE_AT;
            } finally {
                if (!holdLock) lock.unlock();
            }
            try {
                applyWithRetry(batch);
            } catch (Throwable t) {
                if (lock.isHeldByCurrentThread()) lock.unlock();
                LOG.error("the state store's writer failed; writes stay in {}", journal.file(), t);
                lock.lock();
                try {
                    failure = t;
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            batch.clear();
            if (!lock.isHeldByCurrentThread()) lock.lock();
            try {
                spare = batch;
                committed = upTo;
                progress.signalAll();
                if (committed == appended && journal.size() > TRUNCATE_AT) journal.truncate();
            } finally {
                lock.unlock();
            }
        }
    }

    private void applyWithRetry(List<StoreOp> batch) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long pauseMillis = 1;
        while (true) {
            try {
                if (connection == null) {
                    connection = connector.open();
                    dialect.prepareWriter(connection);
                }
                apply(connection, batch);
                return;
            } catch (SQLException e) {
                if (!dialect.isTransient(e) || System.nanoTime() - start > RETRY_FOR_NANOS) throw e;
                LOG.debug("state store batch of {} ops hit a transient error; retrying", batch.size(), e);
                if (e.getSQLState() != null && e.getSQLState().startsWith("08")) closeConnection();
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, 200);
            }
        }
    }

    private void apply(Connection c, List<StoreOp> ops) throws SQLException {
        applyInTransaction(dialect, applier, c, ops);
    }

    /** Applies ops in one transaction on {@code c}; rolls back on failure. Also used by the journal replay. */
    static void applyInTransaction(Dialect dialect, OpApplier applier, Connection c, List<StoreOp> ops)
            throws SQLException {
        applyInTransaction(dialect, applier, c, ops, false);
    }

    /** @param each apply op by op, unfolded (journal replay: its batches may differ from the original ones) */
    static void applyInTransaction(Dialect dialect, OpApplier applier, Connection c, List<StoreOp> ops, boolean each)
            throws SQLException {
        dialect.begin(c);
        try {
            if (each) applier.writeEach(c, ops);
            else applier.write(c, ops);
            dialect.commit(c);
        } catch (SQLException | RuntimeException e) {
            try {
                dialect.rollback(c);
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void closeConnection() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the writer connection failed", e);
        }
        connection = null;
    }

    /** Applies everything submitted, stops the writer thread and deletes the journal (kept if the writer failed). */
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
        joinWriter();
        lock.lock();
        try {
            closed = true;
            if (failure == null && !halted && committed == appended) journal.close();
            else journal.abandon();
        } finally {
            lock.unlock();
        }
        closeConnection();
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
        joinWriter();
        lock.lock();
        try {
            closed = true;
            journal.abandon();
        } finally {
            lock.unlock();
        }
        closeConnection();
    }

    private void joinWriter() {
        if (!thread.isAlive()) return;
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
