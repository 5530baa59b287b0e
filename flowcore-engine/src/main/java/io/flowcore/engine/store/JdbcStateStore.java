package io.flowcore.engine.store;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * A StateStore on SQLite or PostgreSQL with write-behind group commit and a crash journal.
 *
 * Writes. A write call never touches the database. It builds a StoreOp and hands it to the
 * GroupCommitWriter, which (under one lock) appends it to this store's WriteBehindJournal with one
 * plain write(2) and queues it; one writer thread applies queued ops many per transaction (OpApplier).
 * So a write that returned is in the OS page cache: it survives kill -9 of this process (the next open
 * replays it) but NOT a power loss or kernel crash, which can lose the writes of roughly the last
 * SQLite/PostgreSQL commit interval plus whatever the OS had not written back. Nothing calls fsync on
 * the journal; SQLite runs with synchronous=NORMAL (WAL), which likewise may lose the last commits on
 * power loss but never corrupts the database.
 *
 * Reads. Every query first calls flush(), which waits until every op submitted before it is committed,
 * so a caller reads its own writes (and everyone's earlier writes). Reads run on pooled connections;
 * SQLite in WAL mode lets them run while the writer commits.
 *
 * History seq numbers. StateChange.seq is assigned here, at submit time, under seqLock, and the op is
 * submitted inside the same lock: for any run, journal order == apply order == seq order. `seqs`
 * holds the next seq of each non-final run this store has written; a run reaching a final state is
 * dropped from it so the map does not grow with history. A write to a run not in the map (a run of an
 * earlier process, or one already final) flushes and reads the run's kind and MAX(seq)+1 from the
 * database; a run that is not there at all is an IllegalArgumentException, as in the in-memory store.
 * Two stores (engines) writing the same run at the same time is not supported, except for
 * markCrashedRuns racing itself: both then compute the same seq and the second write is a no-op.
 *
 * Replay. open() migrates, then replays every journal in the journal folder whose file lock it can
 * take (its owner is gone), in chunks, each in a transaction, then deletes it. Replay is idempotent
 * (StoreOp), so a replay interrupted by another crash is simply replayed again.
 *
 * Thread-safety: all public methods may be called from any number of threads. close() applies what
 * is queued, then deletes the journal; writes after close() throw IllegalStateException.
 */
final class JdbcStateStore implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStateStore.class);
    private static final int REPLAY_CHUNK = 10_000;

    private static final class RunSeq {
        final boolean task;
        long next;

        RunSeq(boolean task, long next) {
            this.task = task;
            this.next = next;
        }
    }

    private final Dialect dialect;
    private final GroupCommitWriter writer;
    private final StoreReader reader;
    private final AutoCloseable resources;
    /** The writer's lock: one lock orders seq numbers, journal records and the queue (and suits virtual threads). */
    private final java.util.concurrent.locks.ReentrantLock seqLock;
    private final Map<UUID, RunSeq> seqs = new HashMap<>();
    private final AtomicLong logSeq = new AtomicLong();
    private final long origin;

    private JdbcStateStore(Dialect dialect, GroupCommitWriter writer, StoreReader reader, AutoCloseable resources) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.resources = resources;
        this.origin = writer.origin();
        this.seqLock = writer.lock();
    }

    /**
     * Migrates the database, replays leftover journals and starts the writer.
     *
     * @param writerConnector opens the writer's connection (again after a connection error)
     * @param readers         the pool for queries
     * @param journalDir      where this store's journal goes and leftover journals are looked for
     * @param resources       closed last by {@link #close()} (the pools)
     * @param startWriter     false only in tests that simulate a writer that never applies anything
     */
    static JdbcStateStore open(Dialect dialect, GroupCommitWriter.Connector writerConnector, DataSource readers,
                               Path journalDir, AutoCloseable resources, boolean startWriter) {
        Connection c = null;
        WriteBehindJournal journal = null;
        try {
            c = writerConnector.open();
            dialect.prepareWriter(c);
            List<Integer> applied = Migrations.migrate(c, dialect);
            if (!applied.isEmpty()) LOG.info("{} state store: applied schema versions {}", dialect.storeName, applied);
            OpApplier applier = new OpApplier();
            Connection replayConnection = c;
            WriteBehindJournal.replayLeftovers(journalDir, REPLAY_CHUNK, ops -> GroupCommitWriter.applyInTransaction(dialect,
                    applier, replayConnection, ops, true));
            journal = WriteBehindJournal.create(journalDir);
            GroupCommitWriter writer = new GroupCommitWriter(dialect, c, writerConnector, journal, startWriter);
            return new JdbcStateStore(dialect, writer, new StoreReader(readers), resources);
        } catch (Exception e) {
            if (journal != null) journal.close();
            closeQuietly(c, e);
            closeQuietly(resources, e);
            if (e instanceof RuntimeException re) throw re;
            throw new StoreException("cannot open the " + dialect.storeName + " state store (journal folder "
                    + journalDir + "): " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Exception into) {
        if (closeable == null) return;
        try {
            closeable.close();
        } catch (Exception e) {
            into.addSuppressed(e);
        }
    }

    @Override
    public String name() {
        return dialect.storeName;
    }

    @Override
    public void insertFlowRun(FlowRunRecord run) {
        Objects.requireNonNull(run, "run");
        seqLock.lock();
        try {
            if (seqs.containsKey(run.id())) throw new IllegalStateException("flow run exists: " + run.id());
            writer.submit(new StoreOp.InsertFlowRun(run));
            if (!run.state().isFinal()) seqs.put(run.id(), new RunSeq(false, 1));
        } finally {
            seqLock.unlock();
        }
    }

    @Override
    public void insertTaskRun(TaskRunRecord run) {
        Objects.requireNonNull(run, "run");
        seqLock.lock();
        try {
            if (seqs.containsKey(run.id())) throw new IllegalStateException("task run exists: " + run.id());
            writer.submit(new StoreOp.InsertTaskRun(run));
            if (!run.state().isFinal()) seqs.put(run.id(), new RunSeq(true, 1));
        } finally {
            seqLock.unlock();
        }
    }

    @Override
    public void setFlowRunState(UUID flowRunId, State state) {
        setState(flowRunId, false, state, null);
    }

    @Override
    public void setTaskRunState(UUID taskRunId, State state, String resultRef) {
        setState(taskRunId, true, state, resultRef);
    }

    private void setState(UUID id, boolean task, State state, String resultRef) {
        Objects.requireNonNull(id, "run id");
        Objects.requireNonNull(state, "state");
        seqLock.lock();
        try {
            RunSeq known = seqs.get(id);
            if (known != null) {
                submitState(id, known, task, state, resultRef);
                return;
            }
        } finally {
            seqLock.unlock();
        }
        RunSeq loaded = loadSeq(id, task);
        seqLock.lock();
        try {
            RunSeq known = seqs.putIfAbsent(id, loaded);
            submitState(id, known != null ? known : loaded, task, state, resultRef);
        } finally {
            seqLock.unlock();
        }
    }

    /** Called under seqLock. */
    private void submitState(UUID id, RunSeq rs, boolean task, State state, String resultRef) {
        if (rs.task != task) throw new IllegalArgumentException(noRun(id, task) + " (it is a " + kind(!task) + ")");
        long seq = rs.next;
        writer.submit(task ? new StoreOp.SetTaskRunState(id, state, resultRef, seq)
                : new StoreOp.SetFlowRunState(id, state, seq));
        rs.next = seq + 1;
        if (state.isFinal()) seqs.remove(id);
    }

    private RunSeq loadSeq(UUID id, boolean task) {
        flush();
        StoreReader.RunHead head = reader.runHead(id).orElseThrow(() -> new IllegalArgumentException(noRun(id, task)));
        return new RunSeq(head.task(), head.nextSeq());
    }

    private static String noRun(UUID id, boolean task) {
        return "no " + kind(task) + " " + id;
    }

    private static String kind(boolean task) {
        return task ? "task run" : "flow run";
    }

    @Override
    public void appendLog(RunLog log) {
        Objects.requireNonNull(log, "log");
        writer.submit(new StoreOp.AppendLog(origin, logSeq.getAndIncrement(), log));
    }

    @Override
    public void putCache(CacheEntry entry) {
        writer.submit(new StoreOp.PutCache(Objects.requireNonNull(entry, "entry")));
    }

    @Override
    public void heartbeat(EngineLease lease) {
        writer.submit(new StoreOp.Heartbeat(Objects.requireNonNull(lease, "lease")));
    }

    @Override
    public void releaseLease(String engineId) {
        writer.submit(new StoreOp.ReleaseLease(Objects.requireNonNull(engineId, "engineId")));
    }

    @Override
    public List<UUID> markCrashedRuns(Instant now, Duration leaseTimeout, Predicate<EngineLease> isDead, State crashed) {
        flush();
        List<UUID> marked = new ArrayList<>();
        for (StoreReader.LiveRun run : reader.liveFlowRuns()) {
            EngineLease lease = run.lease();
            boolean gone = lease == null || lease.heartbeatAt().plus(leaseTimeout).isBefore(now) || isDead.test(lease);
            if (!gone) continue;
            setFlowRunState(run.id(), crashed);
            for (TaskRunRecord t : reader.liveTaskRuns(run.id())) setTaskRunState(t.id(), crashed, t.resultRef());
            marked.add(run.id());
        }
        flush();
        return marked;
    }

    @Override
    public Optional<FlowRunRecord> flowRun(UUID id) {
        flush();
        return reader.flowRun(id);
    }

    @Override
    public List<FlowRunRecord> flowRuns(FlowRunQuery query) {
        flush();
        return reader.flowRuns(query);
    }

    @Override
    public List<TaskRunRecord> taskRuns(UUID flowRunId) {
        flush();
        return reader.taskRuns(flowRunId);
    }

    @Override
    public Optional<TaskRunRecord> taskRun(UUID id) {
        flush();
        return reader.taskRun(id);
    }

    @Override
    public List<StateChange> stateHistory(UUID runId) {
        flush();
        return reader.stateHistory(runId);
    }

    @Override
    public List<RunLog> logs(UUID flowRunId) {
        flush();
        return reader.logs(flowRunId);
    }

    @Override
    public Optional<CacheEntry> findCache(String cacheKey) {
        flush();
        return reader.findCache(cacheKey);
    }

    @Override
    public void flush() {
        writer.flush();
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            try {
                resources.close();
            } catch (Exception e) {
                LOG.warn("closing the {} state store's connections failed", dialect.storeName, e);
            }
        }
    }

    /** Test hook: stops as a killed process would: nothing more is applied, the journal stays for replay. */
    void crashForTest() {
        writer.haltForTest();
        try {
            resources.close();
        } catch (Exception e) {
            LOG.warn("closing connections after a simulated crash failed", e);
        }
    }
}
