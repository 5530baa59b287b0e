package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import java.util.UUID;

/**
 * The writes of a store whose writes are journaled and applied in the background (JdbcStateStore on a database,
 * RemoteStateStore on a flowcore server): {@link RunWrites} numbers them and hands them to the writer.
 */
abstract class WriteBehindStore implements StateStore {
    /** The writes' numbering, over this store's writer. */
    abstract RunWrites writes();

    @Override
    public void insertFlowRun(FlowRunRecord run) {
        writes().insertFlowRun(run);
    }

    @Override
    public void insertTaskRun(Claim claim, TaskRunRecord run) {
        writes().insertTaskRun(claim, run);
    }

    @Override
    public void setFlowRunState(Claim claim, State state) {
        writes().setFlowRunState(claim, state);
    }

    @Override
    public void setTaskRunState(Claim claim, UUID taskRunId, State state, String resultRef) {
        writes().setTaskRunState(claim, taskRunId, state, resultRef);
    }

    @Override
    public State commitFinalState(Claim claim, State state, State leftoverTasks) {
        return writes().commitFinalState(claim, state, leftoverTasks);
    }

    @Override
    public void appendLog(RunLog log) {
        writes().appendLog(log);
    }

    @Override
    public void putCache(CacheEntry entry) {
        writes().putCache(entry);
    }

    @Override
    public void heartbeat(EngineLease lease) {
        writes().heartbeat(lease);
    }

    @Override
    public void releaseLease(String engineId) {
        writes().releaseLease(engineId);
    }

    @Override
    public void forget(UUID flowRunId) {
        writes().forget(flowRunId);
    }

    @Override
    public void flush() {
        writes().flush();
    }
}
