package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One write to a {@link JdbcStateStore}: what the journal records and the writer thread applies.
 * Every operation is idempotent when applied again (replay after a crash): inserts are keyed by run id,
 * history rows by (run id, seq), logs by (origin, logSeq), and a state only replaces a run's current
 * state when its seq is higher.
 *
 * <p>Fencing: a write under a claim carries the claim's {@code epoch} and is applied only while the flow
 * run's {@code claim_epoch} still equals it ({@link #UNFENCED} for records of journals written before
 * claims existed). A seq is {@code epoch << 32 | n}, so whatever a later holder writes sorts after
 * everything an earlier holder wrote.
 */
sealed interface StoreOp {
    /** The epoch of a record from a journal written before claim epochs existed: applied unchecked. */
    long UNFENCED = -1;

    /** The seq of the {@code n}-th history entry written under {@code epoch}. */
    static long seq(long epoch, long n) {
        return (epoch << 32) | n;
    }

    /** The flow run whose claim epoch fences this write; null for a write not made under a claim. */
    default UUID fencedRun() {
        return null;
    }

    /** The claim epoch this write was made under ({@link #UNFENCED}: none, or a journal from before epochs). */
    default long epoch() {
        return UNFENCED;
    }

    /** Inserts a flow run at claim epoch 0; its initial state is history entry 0. */
    record InsertFlowRun(FlowRunRecord run) implements StoreOp {
    }

    /** Inserts a task run of a flow run held under {@code epoch}; its initial state is history entry 0. */
    record InsertTaskRun(TaskRunRecord run, long epoch) implements StoreOp {
        @Override
        public UUID fencedRun() {
            return run.flowRunId();
        }
    }

    /** Appends history entry {@code seq} of a flow run and makes it current. */
    record SetFlowRunState(UUID runId, State state, long seq, long epoch) implements StoreOp {
        @Override
        public UUID fencedRun() {
            return runId;
        }
    }

    /** Appends history entry {@code seq} of a task run, makes it current and sets the result ref. */
    record SetTaskRunState(UUID runId, UUID flowRunId, State state, String resultRef, long seq, long epoch)
            implements StoreOp {
        @Override
        public UUID fencedRun() {
            return flowRunId; // null in journals from before task writes named their flow run
        }
    }

    /** Moves every unfinished task run of the flow run to {@code state} (history entry {@code seq}). */
    record FinishTasks(UUID flowRunId, State state, long seq, long epoch) implements StoreOp {
        @Override
        public UUID fencedRun() {
            return flowRunId;
        }
    }

    /** Appends a log line; {@code (origin, logSeq)} identifies it so replay does not duplicate it. */
    record AppendLog(long origin, long logSeq, RunLog log) implements StoreOp {
    }

    record PutCache(CacheEntry entry) implements StoreOp {
    }

    record Heartbeat(EngineLease lease) implements StoreOp {
    }

    record ReleaseLease(String engineId) implements StoreOp {
    }

    /**
     * A compare-and-set takeover of a flow run (see {@code StateStore.takeOver}). Never journaled: its
     * caller waits for {@code result}, which completes once the transaction that applied it committed.
     */
    record TakeOver(Claim expected, String engineId, State flowState, State taskState,
                    CompletableFuture<Optional<Claim>> result) implements StoreOp {
    }
}
