package io.flowcore.engine.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import java.util.UUID;

/**
 * One write to a {@link JdbcStateStore}: what the journal records and the writer thread applies.
 * Every operation is idempotent when applied again (replay after a crash): inserts are keyed by run id,
 * history rows by (run id, seq), logs by (origin, logSeq), and a state only replaces a run's current
 * state when its seq is higher.
 */
sealed interface StoreOp {

    /** Inserts a flow run; its initial state is history entry 0. */
    record InsertFlowRun(FlowRunRecord run) implements StoreOp {
    }

    /** Inserts a task run; its initial state is history entry 0. */
    record InsertTaskRun(TaskRunRecord run) implements StoreOp {
    }

    /** Appends history entry {@code seq} of a flow run and makes it current. */
    record SetFlowRunState(UUID runId, State state, long seq) implements StoreOp {
    }

    /** Appends history entry {@code seq} of a task run, makes it current and sets the result ref. */
    record SetTaskRunState(UUID runId, State state, String resultRef, long seq) implements StoreOp {
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
}
