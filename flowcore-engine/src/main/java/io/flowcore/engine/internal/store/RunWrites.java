package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.DeploymentStore.ClaimedRun;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/*
 * The writing half of a store with a write-behind writer (JdbcStateStore on a database, RemoteStateStore
 * on a flowcore server): turns StateStore writes into idempotent StoreOps and hands them to the writer.
 *
 * History seq numbers. A seq is (claim epoch << 32 | n): n is assigned here, at submit time, under the
 * writer's lock, and the op is submitted inside the same lock, so for any run journal order == apply
 * order == seq order. `seqs` holds the next n of each non-final run this store has written; a run reaching
 * a final state is dropped from it so the map does not grow with history. A write to a run not in the map
 * (a run of an earlier process) flushes and reads the run's current seq (`heads`); a run that is not there
 * at all is an IllegalArgumentException, as in the in-memory store.
 */
final class RunWrites {
    /** The n of a leftover-task sweep: after every seq its claim wrote. */
    private static final long LAST_N = 0xFFFF_FFFFL;

    private static final class RunSeq {
        final boolean task;
        final UUID flowRunId;
        long next;

        RunSeq(boolean task, UUID flowRunId, long next) {
            this.task = task;
            this.flowRunId = flowRunId;
            this.next = next;
        }
    }

    private final GroupCommitWriter writer;
    /** The writer's lock: one lock orders seq numbers, journal records and the queue (and suits virtual threads). */
    private final ReentrantLock seqLock;
    private final Function<UUID, Optional<StoreReader.RunHead>> heads;
    private final Function<UUID, Optional<StoreReader.ClaimState>> claims;
    private final Map<UUID, RunSeq> seqs = new HashMap<>();
    /**
     * Null when the writer tells of every refused write ({@link #refused}: a database writer); else (a server does
     * not say) a final state is read back after its commit and a refused one is told here.
     */
    private final java.util.function.Consumer<UUID> refusedFinal;
    /** The flow runs in commitFinalState, and whether a write to one was refused meanwhile. */
    private final java.util.concurrent.ConcurrentHashMap<UUID, Boolean> finishing = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong logSeq = new AtomicLong();
    private final long origin;

    /**
     * @param heads  a run's kind, flow run and latest seq, as committed
     * @param claims a flow run's claim epoch and state, as committed
     */
    RunWrites(GroupCommitWriter writer, Function<UUID, Optional<StoreReader.RunHead>> heads,
              Function<UUID, Optional<StoreReader.ClaimState>> claims) {
        this(writer, heads, claims, null);
    }

    /**
     * @param refusedFinal for a writer that does not tell of refused writes: told of a flow run whose final state
     *                     was refused because its claim had moved on (each final state is then read back)
     */
    RunWrites(GroupCommitWriter writer, Function<UUID, Optional<StoreReader.RunHead>> heads,
              Function<UUID, Optional<StoreReader.ClaimState>> claims, java.util.function.Consumer<UUID> refusedFinal) {
        this.refusedFinal = refusedFinal;
        this.writer = writer;
        this.seqLock = writer.lock();
        this.heads = heads;
        this.claims = claims;
        this.origin = writer.origin();
    }

    /** The writer refused writes to these flow runs (their claim had moved on); on the writer thread, before flush returns. */
    void refused(java.util.Set<UUID> flowRunIds) {
        for (UUID id : flowRunIds) finishing.computeIfPresent(id, (k, v) -> Boolean.TRUE);
    }

    /** Runs this store just claimed: the claim wrote Pending as entry 0 of the new epoch, so writes go on from 1. */
    void claimed(List<ClaimedRun> claimed) {
        seqLock.lock();
        try {
            for (ClaimedRun c : claimed) seqs.put(c.run().id(), new RunSeq(false, c.run().id(), 1));
        } finally {
            seqLock.unlock();
        }
    }

    void insertFlowRun(FlowRunRecord run) {
        Objects.requireNonNull(run, "run");
        seqLock.lock();
        try {
            if (seqs.containsKey(run.id())) throw new IllegalStateException("flow run exists: " + run.id());
            writer.submit(new StoreOp.InsertFlowRun(run));
            if (!run.state().isFinal()) seqs.put(run.id(), new RunSeq(false, run.id(), 1));
        } finally {
            seqLock.unlock();
        }
    }

    void insertTaskRun(Claim claim, TaskRunRecord run) {
        Objects.requireNonNull(run, "run");
        checkClaim(claim, run.flowRunId());
        seqLock.lock();
        try {
            if (seqs.containsKey(run.id())) throw new IllegalStateException("task run exists: " + run.id());
            writer.submit(new StoreOp.InsertTaskRun(run, claim.epoch()));
            if (!run.state().isFinal()) seqs.put(run.id(), new RunSeq(true, run.flowRunId(), 1));
        } finally {
            seqLock.unlock();
        }
    }

    private static void checkClaim(Claim claim, UUID flowRunId) {
        Objects.requireNonNull(claim, "claim");
        if (!claim.flowRunId().equals(flowRunId)) {
            throw new IllegalArgumentException("claim " + claim + " is not a claim on flow run " + flowRunId);
        }
    }

    void setFlowRunState(Claim claim, State state) {
        Objects.requireNonNull(claim, "claim");
        setState(claim, claim.flowRunId(), false, state, null);
    }

    void setTaskRunState(Claim claim, UUID taskRunId, State state, String resultRef) {
        Objects.requireNonNull(claim, "claim");
        setState(claim, taskRunId, true, state, resultRef);
    }

    private void setState(Claim claim, UUID id, boolean task, State state, String resultRef) {
        Objects.requireNonNull(id, "run id");
        Objects.requireNonNull(state, "state");
        seqLock.lock();
        try {
            RunSeq known = seqs.get(id);
            if (known != null) {
                submitState(claim, id, known, task, state, resultRef);
                return;
            }
        } finally {
            seqLock.unlock();
        }
        RunSeq loaded = loadSeq(claim, id, task);
        seqLock.lock();
        try {
            RunSeq known = seqs.putIfAbsent(id, loaded);
            submitState(claim, id, known != null ? known : loaded, task, state, resultRef);
        } finally {
            seqLock.unlock();
        }
    }

    /** Called under seqLock. */
    private void submitState(Claim claim, UUID id, RunSeq rs, boolean task, State state, String resultRef) {
        if (rs.task != task) throw new IllegalArgumentException(noRun(id, task) + " (it is a " + kind(!task) + ")");
        if (!claim.flowRunId().equals(rs.flowRunId)) {
            throw new IllegalArgumentException("claim " + claim + " is not a claim on the flow run of " + kind(task)
                    + " " + id);
        }
        long seq = StoreOp.seq(claim.epoch(), rs.next);
        writer.submit(task ? new StoreOp.SetTaskRunState(id, rs.flowRunId, state, resultRef, seq, claim.epoch())
                : new StoreOp.SetFlowRunState(id, state, seq, claim.epoch()));
        rs.next++;
        if (state.isFinal()) seqs.remove(id);
    }

    private RunSeq loadSeq(Claim claim, UUID id, boolean task) {
        flush();
        StoreReader.RunHead head = heads.apply(id).orElseThrow(() -> new IllegalArgumentException(noRun(id, task)));
        long next = (head.stateSeq() >>> 32) == claim.epoch() ? (head.stateSeq() & LAST_N) + 1 : 1;
        return new RunSeq(head.task(), head.flowRunId(), next);
    }

    private static String noRun(UUID id, boolean task) {
        return "no " + kind(task) + " " + id;
    }

    private static String kind(boolean task) {
        return task ? "task run" : "flow run";
    }

    State commitFinalState(Claim claim, State state, State leftoverTasks) {
        Objects.requireNonNull(claim, "claim");
        if (!state.isFinal()) throw new IllegalArgumentException("not a final state: " + state);
        UUID id = claim.flowRunId();
        boolean toldOfRefusals = refusedFinal == null;
        if (toldOfRefusals) finishing.put(id, Boolean.FALSE);
        try {
            setFlowRunState(claim, state);
            if (leftoverTasks != null) {
                writer.submit(new StoreOp.FinishTasks(id, leftoverTasks, StoreOp.seq(claim.epoch(), LAST_N),
                        claim.epoch()));
            }
            flush();
            // The writer tells of a refused write before flush returns: not refused, the stored state is this one.
            if (toldOfRefusals && !finishing.get(id)) return state;
        } finally {
            if (toldOfRefusals) finishing.remove(id);
        }
        StoreReader.ClaimState stored = claims.apply(claim.flowRunId())
                .orElseThrow(() -> new IllegalArgumentException(noRun(claim.flowRunId(), false)));
        if (stored.epoch() != claim.epoch() && refusedFinal != null) refusedFinal.accept(claim.flowRunId());
        return stored.epoch() == claim.epoch() && stored.state().type() == state.type() ? state : stored.state();
    }

    void forget(UUID flowRunId) {
        seqLock.lock();
        try {
            seqs.remove(flowRunId);
        } finally {
            seqLock.unlock();
        }
    }

    void appendLog(RunLog log) {
        Objects.requireNonNull(log, "log");
        writer.submit(new StoreOp.AppendLog(origin, logSeq.getAndIncrement(), log));
    }

    void putCache(CacheEntry entry) {
        writer.submit(new StoreOp.PutCache(Objects.requireNonNull(entry, "entry")));
    }

    void heartbeat(EngineLease lease) {
        writer.submit(new StoreOp.Heartbeat(Objects.requireNonNull(lease, "lease")));
    }

    void releaseLease(String engineId) {
        writer.submit(new StoreOp.ReleaseLease(Objects.requireNonNull(engineId, "engineId")));
    }

    void flush() {
        writer.flush();
    }
}
