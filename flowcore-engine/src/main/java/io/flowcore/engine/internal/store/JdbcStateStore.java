package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.RunClaim;
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
 * History seq numbers: RunWrites assigns them (epoch << 32 | n) as it hands writes to the writer.
 *
 * Claims. Every write carries its claim's epoch and the writer drops it when the run's epoch has moved
 * on (OpApplier); whoever moved it on wrote under a higher epoch, so its seqs sort after this store's.
 * takeOver() goes through the writer queue too (ordered after this store's earlier writes) and waits.
 * A store that takes runs over first replays the journals of engines that are gone (liveRuns), so their
 * acknowledged writes land before the takeover refuses everything under their claim.
 *
 * Replay. open() migrates, then replays every journal in the journal folder whose file lock it can
 * take (its owner is gone), in chunks, each in a transaction, then deletes it. Replay is idempotent
 * (StoreOp), so a replay interrupted by another crash is simply replayed again. A chunk the database
 * refuses is applied op by op and an op it still refuses is logged and skipped: the store always opens.
 *
 * Thread-safety: all public methods may be called from any number of threads. close() applies what
 * is queued, then deletes the journal; writes after close() throw IllegalStateException.
 */
final class JdbcStateStore extends WriteBehindStore implements DeploymentStore, io.flowcore.api.spi.WorkQueueStore,
        io.flowcore.api.spi.NotificationStore, io.flowcore.api.spi.ApiKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStateStore.class);
    private static final int REPLAY_CHUNK = 10_000;
    private final Dialect dialect;
    private final GroupCommitWriter writer;
    private final StoreReader reader;
    private final AutoCloseable resources;
    private final Path journalDir;
    private final JdbcDeployments deployments;
    private final JdbcNotifications notifications;
    private final JdbcRetention retention;
    private final JdbcWorkQueues workQueues;
    private final JdbcScheduleRunKeys scheduleRunKeys;
    private final JdbcApiKeys apiKeys;
    /** The pool the overlap pass (JdbcOverlap.apply) takes its transaction from. */
    private final DataSource readers;
    /** Wakes workers when runs are queued (PostgreSQL only; null on SQLite, whose workers poll). */
    private final PgRunWakeups wakeups;
    private final List<Consumer<UUID>> claimLost = new CopyOnWriteArrayList<>();
    private final AtomicLong replayed = new AtomicLong();
    private final RunWrites writes;

    private JdbcStateStore(Dialect dialect, GroupCommitWriter writer, DataSource readers, AutoCloseable resources,
                           Path journalDir, long replayedAtOpen) {
        this.dialect = dialect;
        this.readers = readers;
        this.reader = new StoreReader(readers, dialect);
        this.deployments = new JdbcDeployments(dialect, readers);
        this.notifications = new JdbcNotifications(dialect, readers);
        this.workQueues = new JdbcWorkQueues(dialect, readers);
        this.apiKeys = new JdbcApiKeys(dialect, readers);
        this.retention = new JdbcRetention(dialect, readers);
        this.scheduleRunKeys = new JdbcScheduleRunKeys(dialect, readers);
        this.wakeups = dialect == Dialect.POSTGRESQL ? new PgRunWakeups(readers) : null;
        this.writer = writer;
        this.resources = resources;
        this.journalDir = journalDir;
        this.writes = new RunWrites(writer, reader::runHead, reader::claimState);
        this.replayed.set(replayedAtOpen);
        writer.onRefused(ids -> {
            writes.refused(ids);
            for (UUID id : ids) for (Consumer<UUID> l : claimLost) l.accept(id);
        });
    }

    /**
     * Migrates the database, replays leftover journals and starts the writer.
     *
     * @param writerConnector opens the writer's connection (again after a connection error)
     * @param readers         the pool for queries
     * @param journalDir      where this store's journal goes and leftover journals are looked for
     * @param resources       closed last by {@link #close()} (the pools)
     * @param retryWindow     how long callers wait for a database that does not answer
     * @param startWriter     false only in tests that simulate a writer that never applies anything
     */
    static JdbcStateStore open(Dialect dialect, GroupCommitWriter.Connector writerConnector, DataSource readers,
                               Path journalDir, AutoCloseable resources, Duration retryWindow, boolean startWriter) {
        Connection c = null;
        WriteBehindJournal journal = null;
        try {
            c = writerConnector.open();
            dialect.prepareWriter(c);
            List<Integer> applied = Migrations.migrate(c, dialect);
            if (!applied.isEmpty()) LOG.info("{} state store: applied schema versions {}", dialect.storeName, applied);
            OpApplier applier = new OpApplier(dialect);
            Connection replayConnection = c;
            OpApplier.Outcome replayOutcome = new OpApplier.Outcome();
            WriteBehindJournal.Replayed r = WriteBehindJournal.replayLeftovers(journalDir, REPLAY_CHUNK,
                    ops -> replayChunk(dialect, applier, replayConnection, ops, replayOutcome));
            if (!replayOutcome.refused.isEmpty()) {
                LOG.info("replay: writes to {} flow runs were not applied: those runs had been taken over (e.g. marked "
                        + "Crashed) after their engine stopped", replayOutcome.refused.size());
            }
            journal = WriteBehindJournal.create(journalDir);
            GroupCommitWriter writer = new GroupCommitWriter(new JdbcTarget(dialect, c, writerConnector), journal,
                    retryWindow, startWriter);
            return new JdbcStateStore(dialect, writer, readers, resources, journalDir, r.ops());
        } catch (Exception e) {
            if (journal != null) journal.close();
            closeQuietly(c, e);
            closeQuietly(resources, e);
            if (e instanceof RuntimeException re) throw re;
            throw new StoreException("cannot open the " + dialect.storeName + " state store (journal folder "
                    + journalDir + "): " + e.getMessage(), e);
        }
    }

    /** Applies a replayed chunk; a chunk the database refuses is applied op by op, skipping what it still refuses. */
    private static void replayChunk(Dialect dialect, OpApplier applier, Connection c, List<StoreOp> ops,
                                    OpApplier.Outcome out) throws SQLException {
        try {
            GroupCommitWriter.applyInTransaction(dialect, applier, c, ops, true, out);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException sql && dialect.isTransient(sql)) throw sql;
            for (StoreOp op : ops) {
                try {
                    GroupCommitWriter.applyInTransaction(dialect, applier, c, List.of(op), true, out);
                } catch (SQLException | RuntimeException bad) {
                    if (bad instanceof SQLException sql && dialect.isTransient(sql)) throw sql;
                    LOG.error("replay: the {} state store refused {}; skipped: {}", dialect.storeName,
                            GroupCommitWriter.describe(op), bad.toString());
                }
            }
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
    RunWrites writes() {
        return writes;
    }

    @Override
    public String name() {
        return dialect.storeName;
    }

    /** Operations replayed from other engines' journals since this store opened (tests). */
    long replayed() {
        return replayed.get();
    }

    /** The most bytes of writes that waited for the database at once (bounded by the writer's backpressure). */
    long peakBacklogBytes() {
        return writer.peakBacklogBytes();
    }

    /** Writes the writer could not apply and set aside (tests). */
    long quarantined() {
        return writer.quarantined();
    }

    /** Tests: writes made while holding this lock reach the database in one batch. */
    java.util.concurrent.locks.ReentrantLock writerLockForTest() {
        return writer.lock();
    }

    @Override
    public List<io.flowcore.api.run.CreatedRuns> createdRuns(Instant from, Instant to, Duration width) {
        flush(); // as flowRuns: the runs this engine created are counted
        return reader.createdRuns(from, to, width);
    }

    @Override
    public Optional<Claim> currentClaim(UUID flowRunId) {
        return reader.claimState(flowRunId).map(c -> new Claim(flowRunId, c.epoch()));
    }

    @Override
    public Optional<Claim> takeOver(Claim expected, String engineId, State flowState, State taskState) {
        Objects.requireNonNull(expected, "expected");
        java.util.concurrent.CompletableFuture<Optional<Claim>> result = new java.util.concurrent.CompletableFuture<>();
        writer.submit(new StoreOp.TakeOver(expected, engineId, flowState, taskState, result));
        while (true) {
            try {
                return result.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                writer.checkReachable("taking over flow run " + expected.flowRunId());
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new StoreException(e.getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while taking over flow run " + expected.flowRunId()
                        + "; the takeover may still be applied", e);
            }
        }
    }

    @Override
    public AutoCloseable onRunsQueued(Runnable listener) {
        return wakeups == null ? () -> { } : wakeups.add(listener);
    }

    @Override
    public List<RunClaim> liveRuns() {
        replayGoneEngines();
        flush();
        return reader.liveRuns();
    }

    /** Applies, through this store's writer, the journals in the folder whose engines are gone. */
    private void replayGoneEngines() {
        try {
            WriteBehindJournal.Replayed r = WriteBehindJournal.replayLeftovers(journalDir, REPLAY_CHUNK, ops -> {
                for (StoreOp op : ops) writer.submit(op);
                writer.flush();
            });
            replayed.addAndGet(r.ops());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot replay the journals left in " + journalDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DeploymentRecord applyDeployment(DeploymentRecord d) {
        workQueues.create(io.flowcore.api.deployment.WorkQueue.of(d.workQueue(), d.createdAt())); // named: exists
        return deployments.apply(d);
    }

    @Override
    public Optional<DeploymentRecord> deployment(String flowName, String name) {
        return deployments.deployment(flowName, name);
    }

    @Override
    public Optional<DeploymentRecord> deploymentOfRun(UUID flowRunId) {
        return deployments.deploymentOfRun(flowRunId);
    }

    @Override
    public List<DeploymentRecord> deploymentVersions(String flowName, String name) {
        return deployments.versions(flowName, name);
    }

    @Override
    public List<DeploymentRecord> deployments() {
        return deployments.all();
    }

    @Override
    public List<FlowRunRecord> insertScheduleRuns(List<ScheduleRun> runs) {
        return deployments.insertScheduleRuns(runs);
    }

    @Override
    public List<FutureScheduleRuns> futureScheduleRuns(Instant after) {
        flush(); // a run this process just claimed shows as claimed
        return scheduleRunKeys.read(after);
    }

    @Override
    public Map<String, Instant> lastScheduleRuns(String flowName, String name, Instant before) {
        return scheduleRunKeys.last(flowName, name, before);
    }

    @Override
    public int deleteUnclaimedScheduleRuns(DeploymentRecord current, java.util.Set<String> keep, java.time.Instant after) {
        return deployments.deleteUnclaimedScheduleRuns(current, keep, after);
    }

    @Override
    public void insertScheduledRun(FlowRunRecord run, String deploymentId, String workQueue) {
        deployments.insertScheduledRun(run, deploymentId, workQueue);
    }

    @Override
    public int skipTooLate(DeploymentRecord d, Instant now) {
        flush();
        return deployments.skipTooLate(d, now);
    }

    @Override
    public OverlapActions applyOverlap(Instant now) {
        flush(); // the runs this process ended or claimed a moment ago count as they are
        return dialect.inPooledTransaction(readers, "apply overlap policies", c -> JdbcOverlap.apply(c, dialect, now));
    }

    @Override
    public int markLate(Instant lateBefore, Instant now) {
        flush(); // a run a worker claimed a moment ago is not marked
        return deployments.markLate(lateBefore, now);
    }

    @Override
    public List<ClaimedRun> claimDue(String engineId, java.util.Collection<String> queues, java.time.Instant now,
                                     int limit) {
        List<ClaimedRun> claimed = deployments.claimDue(engineId, queues, now, limit);
        writes.claimed(claimed);
        return claimed;
    }

    @Override
    public boolean createWorkQueue(io.flowcore.api.deployment.WorkQueue q) {
        return workQueues.create(q);
    }

    @Override
    public Optional<io.flowcore.api.deployment.WorkQueue> workQueue(String name) {
        return workQueues.get(name);
    }

    @Override
    public List<io.flowcore.api.deployment.WorkQueue> workQueues() {
        return workQueues.all();
    }

    @Override
    public boolean setWorkQueuePaused(String name, boolean paused) {
        return workQueues.update(name, "paused", paused ? 1 : 0);
    }

    @Override
    public boolean setWorkQueueConcurrencyLimit(String name, Integer limit) {
        return workQueues.update(name, "concurrency_limit", limit);
    }

    @Override
    public boolean setWorkQueuePriority(String name, int priority) {
        return workQueues.update(name, "priority", priority);
    }

    @Override
    public void setDeploymentPaused(String flowName, String name, boolean paused) {
        workQueues.setDeploymentPaused(flowName, name, paused, java.time.Instant.now());
    }

    @Override
    public java.util.Set<String> pausedDeployments() {
        return workQueues.pausedDeployments();
    }

    @Override
    public int removeDeployment(String flowName, String name) {
        return workQueues.removeDeployment(flowName, name);
    }

    @Override
    public List<UUID> crashedWithoutRetry(Instant from, Instant to, int limit) {
        flush();
        return workQueues.crashedWithoutRetry(from, to, limit);
    }

    @Override
    public Optional<UUID> retryOf(UUID flowRunId) {
        return workQueues.retryOf(flowRunId);
    }

    @Override
    public Map<UUID, String> deploymentsOfRuns(java.util.Collection<UUID> flowRunIds) {
        flush(); // a run this process just created or claimed is in the database
        return workQueues.deploymentsOfRuns(flowRunIds);
    }

    @Override
    public void onClaimLost(Consumer<UUID> listener) {
        claimLost.add(Objects.requireNonNull(listener, "listener"));
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
    public io.flowcore.api.run.RunCounts runCounts(Instant now) {
        return reader.runCounts(now); // no flush: metrics may lag the writer by a group commit
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
    public List<RunLog> logs(UUID flowRunId, int offset, int limit) {
        if (offset < 0 || limit < 0) throw new IllegalArgumentException("offset and limit must be >= 0: " + offset + ", " + limit);
        flush();
        return reader.logs(flowRunId, offset, limit);
    }

    @Override
    public Optional<CacheEntry> findCache(String cacheKey) {
        flush();
        return reader.findCache(cacheKey);
    }

    /**
     * Writes a remote engine sent (RemoteCalls.write), submitted as they are and in order. They are fenced
     * as this store's own: each carries its claim epoch, and one with no epoch (a journal of before claims) is
     * refused, as it would be applied unchecked.
     */
    void submitRemote(List<StoreOp> ops) {
        for (StoreOp op : ops) {
            long epoch = switch (op) {
                case StoreOp.InsertTaskRun i -> i.epoch();
                case StoreOp.SetFlowRunState f -> f.epoch();
                case StoreOp.SetTaskRunState t -> t.epoch();
                case StoreOp.FinishTasks f -> f.epoch();
                case StoreOp.TakeOver t -> throw new IllegalArgumentException("a takeover is not a write");
                default -> 0;
            };
            if (epoch < 0) throw new IllegalArgumentException("a write with no claim epoch (" + GroupCommitWriter.describe(op) + ")");
        }
        java.util.concurrent.locks.ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            for (StoreOp op : ops) writer.submit(op);
        } finally {
            lock.unlock();
        }
    }

    /** A run's kind, flow run and latest seq, after this store's writes (for a remote engine's RunWrites). */
    Optional<StoreReader.RunHead> runHead(UUID id) {
        flush();
        return reader.runHead(id);
    }

    /** A flow run's claim epoch and state, after this store's writes (for a remote engine's RunWrites). */
    Optional<StoreReader.ClaimState> claimState(UUID flowRunId) {
        flush();
        return reader.claimState(flowRunId);
    }

    @Override
    public void close() {
        if (wakeups != null) wakeups.close();
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

    // API keys and workspaces of flowcore server: see JdbcApiKeys.

    @Override
    public void insertApiKey(ApiKey key) {
        apiKeys.insert(key);
    }

    @Override
    public Optional<ApiKey> apiKey(String id) {
        return apiKeys.find(id);
    }

    @Override
    public List<ApiKey> apiKeys() {
        return apiKeys.list();
    }

    @Override
    public boolean revokeApiKey(String id, java.time.Instant at) {
        return apiKeys.revoke(id, at);
    }

    @Override
    public boolean insertWorkspace(Workspace workspace) {
        return apiKeys.insertWorkspace(workspace);
    }

    @Override
    public List<Workspace> workspaces() {
        return apiKeys.workspaces();
    }

    @Override
    public boolean deleteWorkspace(String name, Instant at) {
        return apiKeys.deleteWorkspace(name, at);
    }

    @Override
    public boolean renameWorkspace(String from, String to) {
        return apiKeys.renameWorkspace(from, to);
    }

    @Override
    public void insertSession(WebSession session, Instant now) {
        apiKeys.insertSession(session, now);
    }

    @Override
    public Optional<WebSession> session(String idHash) {
        return apiKeys.session(idHash);
    }

    @Override
    public void deleteSession(String idHash) {
        apiKeys.deleteSession(idHash);
    }

    // Notification rules and the outbox: see JdbcNotifications.

    @Override
    public void saveRule(io.flowcore.api.notification.NotificationRule rule) {
        notifications.saveRule(rule);
    }

    @Override
    public Optional<io.flowcore.api.notification.NotificationRule> rule(String name) {
        return notifications.rule(name);
    }

    @Override
    public List<io.flowcore.api.notification.NotificationRule> rules() {
        return notifications.rules();
    }

    @Override
    public boolean deleteRule(String name) {
        return notifications.deleteRule(name);
    }

    @Override
    public List<io.flowcore.api.notification.NotificationEvent> events(int limit) {
        flush(); // events are written with the state changes
        return notifications.events(limit);
    }

    @Override
    public List<ClaimedEvent> claimDueEvents(String engineId, Instant now, Instant claimUntil, int limit) {
        flush();
        return notifications.claimDueEvents(engineId, now, claimUntil, limit);
    }

    @Override
    public void delivered(UUID eventId, Instant at) {
        notifications.delivered(eventId, at);
    }

    @Override
    public int attemptFailed(UUID eventId, String notifier, String error, Instant retryAt) {
        return notifications.attemptFailed(eventId, notifier, error, retryAt);
    }

    @Override
    public void setNotifierPaused(String notifier, boolean paused) {
        notifications.setNotifierPaused(notifier, paused);
    }

    @Override
    public List<String> pausedNotifiers() {
        return notifications.pausedNotifiers();
    }

    @Override
    public Pruned deleteEndedRunsAndResults(Instant before, java.util.Collection<String> states) {
        flush(); // the writes queued for these runs are in before they go
        return retention.deleteEndedRunsAndResults(before, states);
    }

    @Override
    public List<FlowRunRecord> deleteEndedRuns(Instant before, java.util.Collection<String> states, boolean dryRun) {
        return deleteEndedRuns(before, states, dryRun, Integer.MAX_VALUE);
    }

    @Override
    public List<FlowRunRecord> deleteEndedRuns(Instant before, java.util.Collection<String> states, boolean dryRun,
                                               int limit) {
        flush(); // the writes queued for these runs are in before they go
        return retention.deleteEndedRuns(before, states, dryRun, limit);
    }

    @Override
    public Pruned pruneEndedRuns(Instant otherwise, Map<String, Instant> perDeployment, int limit) {
        flush(); // the writes queued for these runs are in before they go
        return retention.prune(otherwise, perDeployment, limit);
    }
}
