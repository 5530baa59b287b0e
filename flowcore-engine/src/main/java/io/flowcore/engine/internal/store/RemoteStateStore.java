package io.flowcore.engine.internal.store;

import com.fasterxml.jackson.databind.JavaType;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.api.run.CreatedRuns;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunCounts;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.spi.WorkQueueStore;
import io.flowcore.api.state.State;
import io.flowcore.engine.internal.remote.RemoteClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/*
 * A store on a flowcore server: what an engine created with FlowcoreConfig.server(url, key) keeps its runs
 * in, without database credentials.
 *
 * Writes work as in JdbcStateStore: RunWrites numbers them, the GroupCommitWriter journals them on this
 * machine and sends them in batches (HttpTarget), so a task's state change costs a journal append, not a
 * round trip. While the server is out of reach the writer keeps retrying and the journal keeps the writes;
 * they are sent when it answers again, and a journal left by a killed process is sent by the next store
 * opened on the same folder. The engine's lease rule does the rest: a heartbeat the server did not take
 * for almost the lease timeout cancels this engine's runs, so none goes on after the server could count it
 * crashed; what they wrote meanwhile is refused by the claim epoch if the server took them over.
 *
 * Reads and everything else are calls (RemoteCalls) made after a flush, so this engine reads its own
 * writes and the server applies them in the order they were made. Takeovers too: flush, then ask.
 */
final class RemoteStateStore extends WriteBehindStore implements DeploymentStore, WorkQueueStore {
    private static final int REPLAY_CHUNK = 10_000;

    private final RemoteClient client;
    private final GroupCommitWriter writer;
    private final RunWrites writes;
    private final Path journalDir;
    private final List<Consumer<UUID>> claimLost = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RemoteStateStore(RemoteClient client, GroupCommitWriter writer, Path journalDir) {
        this.client = client;
        this.writer = writer;
        this.journalDir = journalDir;
        this.writes = new RunWrites(writer, id -> call("runHead", io.flowcore.engine.internal.remote.RemoteJson.MAPPER.getTypeFactory()
                        .constructParametricType(Optional.class, StoreReader.RunHead.class), id),
                id -> call("claimState", io.flowcore.engine.internal.remote.RemoteJson.MAPPER.getTypeFactory()
                        .constructParametricType(Optional.class, StoreReader.ClaimState.class), id),
                id -> {
                    for (Consumer<UUID> l : claimLost) l.accept(id);
                }); // the server does not say which writes it refused: a final state is read back
    }

    /**
     * Opens a store on the server behind {@code client}: sends what journals of killed engines left in
     * {@code journalDir}, then starts this store's writer.
     *
     * @throws StoreException when the server cannot be reached or refuses the key
     */
    static RemoteStateStore open(RemoteClient client, Path journalDir, Duration retryWindow) {
        HttpTarget target = new HttpTarget(client);
        try {
            client.call("workQueues", null); // reachable, and the key may use the engine API
            WriteBehindJournal.replayLeftovers(journalDir, REPLAY_CHUNK, ops -> target.apply(ops, new OpApplier.Outcome()));
            WriteBehindJournal journal = WriteBehindJournal.create(journalDir);
            return new RemoteStateStore(client, new GroupCommitWriter(target, journal, retryWindow, true), journalDir);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot open the store on the flowcore server " + client.url() + " (journal folder "
                    + journalDir + "): " + e.getMessage(), e);
        }
    }

    private <T> T call(String name, JavaType type, Object... args) {
        flush();
        return client.call(name, type, args);
    }

    /** Calls the interface method {@code name}, reading the answer as the method declares it. */
    private <T> T call(String name, Object... args) {
        java.lang.reflect.Method m = RemoteCalls.method(name, args.length);
        return call(name, m.getReturnType() == void.class ? null : RemoteCalls.returnType(m), args);
    }

    @Override
    RunWrites writes() {
        return writes;
    }

    @Override
    public String name() {
        return "flowcore server " + client.url();
    }

    // writes are WriteBehindStore's: numbered here, journaled, sent in batches

    /**
     * Told when a final state is refused because the claim had moved on. The server does not tell of other
     * refused writes: the engine's lease tick reads its runs' claims (currentClaim) instead.
     */
    @Override
    public void onClaimLost(Consumer<UUID> listener) {
        claimLost.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Test hook: stops as a killed process would: nothing more is sent, the journal stays for the next open. */
    void crashForTest() {
        writer.haltForTest();
    }

    @Override
    public Optional<Claim> takeOver(Claim expected, String engineId, State flowState, State taskState) {
        return call("takeOver", expected, engineId, flowState, taskState);
    }

    @Override
    public List<RunClaim> liveRuns() {
        replayGoneEngines();
        return call("liveRuns");
    }

    /** Sends the journals in the folder whose engines are gone (a remote engine killed on this machine). */
    private void replayGoneEngines() {
        try {
            WriteBehindJournal.replayLeftovers(journalDir, REPLAY_CHUNK, ops -> {
                for (StoreOp op : ops) writer.submit(op);
                writer.flush();
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot send the journals left in " + journalDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Claim> currentClaim(UUID flowRunId) {
        return call("currentClaim", flowRunId);
    }

    // reads

    @Override
    public Optional<CacheEntry> findCache(String cacheKey) {
        return call("findCache", cacheKey);
    }

    @Override
    public Optional<FlowRunRecord> flowRun(UUID id) {
        return call("flowRun", id);
    }

    @Override
    public List<FlowRunRecord> flowRuns(FlowRunQuery query) {
        return call("flowRuns", query);
    }

    @Override
    public List<TaskRunRecord> taskRuns(UUID flowRunId) {
        return call("taskRuns", flowRunId);
    }

    @Override
    public Optional<TaskRunRecord> taskRun(UUID id) {
        return call("taskRun", id);
    }

    @Override
    public List<StateChange> stateHistory(UUID runId) {
        return call("stateHistory", runId);
    }

    @Override
    public List<RunLog> logs(UUID flowRunId) {
        return call("logs", flowRunId);
    }

    @Override
    public List<RunLog> logs(UUID flowRunId, int offset, int limit) {
        return call("logs", flowRunId, offset, limit);
    }

    @Override
    public List<CreatedRuns> createdRuns(Instant from, Instant to, Duration width) {
        return call("createdRuns", from, to, width);
    }

    @Override
    public RunCounts runCounts(Instant now) {
        return call("runCounts", now);
    }

    @Override
    public List<FlowRunRecord> deleteEndedRuns(Instant before, Collection<String> states, boolean dryRun) {
        return call("deleteEndedRuns", before, states, dryRun);
    }

    @Override
    public List<FlowRunRecord> deleteEndedRuns(Instant before, Collection<String> states, boolean dryRun, int limit) {
        return call("deleteEndedRuns", before, states, dryRun, limit);
    }

    @Override
    public Pruned pruneEndedRuns(Instant otherwise, Map<String, Instant> perDeployment, int limit) {
        return call("pruneEndedRuns", otherwise, perDeployment, limit);
    }

    @Override
    public Pruned deleteEndedRunsAndResults(Instant before, Collection<String> states) {
        return call("deleteEndedRunsAndResults", before, states);
    }

    // deployments

    @Override
    public DeploymentRecord applyDeployment(DeploymentRecord d) {
        return call("applyDeployment", d);
    }

    @Override
    public Optional<DeploymentRecord> deployment(String flowName, String name) {
        return call("deployment", flowName, name);
    }

    @Override
    public List<DeploymentRecord> deploymentVersions(String flowName, String name) {
        return call("deploymentVersions", flowName, name);
    }

    @Override
    public Optional<DeploymentRecord> deploymentOfRun(UUID flowRunId) {
        return call("deploymentOfRun", flowRunId);
    }

    @Override
    public List<DeploymentRecord> deployments() {
        return call("deployments");
    }

    @Override
    public void insertScheduledRun(FlowRunRecord run, String deploymentId, String workQueue) {
        call("insertScheduledRun", run, deploymentId, workQueue);
    }

    /**
     * Wakes {@code listener} when runs are queued: a long poll of the server (awaitRunsQueued), on a virtual thread,
     * until closed. The server answers at once only on PostgreSQL, whose NOTIFY it hears; else the worker's poll
     * finds the runs, as on a SQLite store.
     */
    @Override
    public AutoCloseable onRunsQueued(Runnable listener) {
        JavaType bool = io.flowcore.engine.internal.remote.RemoteJson.MAPPER.getTypeFactory().constructType(Boolean.class);
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread waiter = Thread.ofVirtual().name("flowcore-remote-wakeups").start(() -> {
            while (open.get()) {
                try {
                    if (Boolean.TRUE.equals(client.call("awaitRunsQueued", bool, RemoteCalls.MAX_WAIT_MILLIS))) listener.run();
                } catch (RuntimeException e) {
                    if (!open.get()) return;
                    try {
                        Thread.sleep(1_000); // the server is away: the worker's poll goes on meanwhile
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
        return () -> {
            open.set(false);
            waiter.interrupt();
        };
    }

    @Override
    public List<ClaimedRun> claimDue(String engineId, Collection<String> queues, Instant now, int limit) {
        List<ClaimedRun> claimed = call("claimDue", engineId, queues, now, limit);
        writes.claimed(claimed);
        return claimed;
    }

    @Override
    public int markLate(Instant lateBefore, Instant now) {
        return call("markLate", lateBefore, now);
    }

    @Override
    public int skipTooLate(DeploymentRecord d, Instant now) {
        return call("skipTooLate", d, now);
    }

    @Override
    public OverlapActions applyOverlap(Instant now) {
        return call("applyOverlap", now);
    }

    @Override
    public List<FlowRunRecord> insertScheduleRuns(List<ScheduleRun> runs) {
        return call("insertScheduleRuns", runs);
    }

    @Override
    public int deleteUnclaimedScheduleRuns(DeploymentRecord current, Set<String> keep, Instant after) {
        return call("deleteUnclaimedScheduleRuns", current, keep, after);
    }

    @Override
    public List<FutureScheduleRuns> futureScheduleRuns(Instant after) {
        return call("futureScheduleRuns", after);
    }

    @Override
    public Map<String, Instant> lastScheduleRuns(String flowName, String name, Instant before) {
        return call("lastScheduleRuns", flowName, name, before);
    }

    // work queues

    @Override
    public boolean createWorkQueue(WorkQueue q) {
        return call("createWorkQueue", q);
    }

    @Override
    public Optional<WorkQueue> workQueue(String name) {
        return call("workQueue", name);
    }

    @Override
    public List<WorkQueue> workQueues() {
        return call("workQueues");
    }

    @Override
    public boolean setWorkQueuePaused(String name, boolean paused) {
        return call("setWorkQueuePaused", name, paused);
    }

    @Override
    public boolean setWorkQueueConcurrencyLimit(String name, Integer limit) {
        return call("setWorkQueueConcurrencyLimit", name, limit);
    }

    @Override
    public boolean setWorkQueuePriority(String name, int priority) {
        return call("setWorkQueuePriority", name, priority);
    }

    @Override
    public void setDeploymentPaused(String flowName, String name, boolean paused) {
        call("setDeploymentPaused", flowName, name, paused);
    }

    @Override
    public Set<String> pausedDeployments() {
        return call("pausedDeployments");
    }

    @Override
    public int removeDeployment(String flowName, String name) {
        return call("removeDeployment", flowName, name);
    }

    @Override
    public Optional<UUID> retryOf(UUID flowRunId) {
        return call("retryOf", flowRunId);
    }

    @Override
    public List<UUID> crashedWithoutRetry(Instant from, Instant to, int limit) {
        return call("crashedWithoutRetry", from, to, limit);
    }

    @Override
    public Map<UUID, String> deploymentsOfRuns(Collection<UUID> flowRunIds) {
        return call("deploymentsOfRuns", flowRunIds);
    }

    /** Sends what is queued, then stops; a server out of reach for the retry window leaves the journal for the next open. */
    @Override
    public void close() {
        writer.close();
    }
}
