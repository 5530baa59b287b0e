package io.flowcore.engine;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.StateStore;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads what the engine recorded: flow runs, task runs, state histories, logs and task graphs. */
public final class RunHistory {
    private final StateStore store;
    private final io.flowcore.api.spi.ResultStore results;

    RunHistory(StateStore store, io.flowcore.api.spi.ResultStore results) {
        this.store = store;
        this.results = results;
    }

    /** Flow runs matching {@code query}, newest first, e.g. {@code flowRuns(FlowRunQuery.all().flow("etl").inStates(FAILED))}. */
    public List<FlowRunRecord> flowRuns(FlowRunQuery query) {
        return store.flowRuns(query);
    }

    /**
     * The flow runs created from {@code from} to {@code to}, counted per interval of {@code width} and per type of
     * their current state (intervals without runs left out): a timeline, e.g. 24 intervals of an hour.
     */
    public List<io.flowcore.api.run.CreatedRuns> createdRuns(java.time.Instant from, java.time.Instant to,
                                                             java.time.Duration width) {
        return store.createdRuns(from, to, width);
    }

    public Optional<FlowRunRecord> flowRun(UUID id) {
        return store.flowRun(id);
    }

    /** The task runs of a flow run, in creation order. */
    public List<TaskRunRecord> taskRuns(UUID flowRunId) {
        return store.taskRuns(flowRunId);
    }

    /** The state history of a flow run or task run, oldest first. */
    public List<StateChange> stateHistory(UUID runId) {
        return store.stateHistory(runId);
    }

    /** The log lines of a flow run and its task runs, in order. */
    public List<RunLog> logs(UUID flowRunId) {
        return store.logs(flowRunId);
    }

    /**
     * Up to {@code limit} log lines of a flow run from line {@code offset} (0 is the first), in the order of
     * {@link #logs(UUID)}: a page of a long log.
     *
     * @throws IllegalArgumentException when {@code offset} or {@code limit} is negative
     */
    public List<RunLog> logs(UUID flowRunId, int offset, int limit) {
        if (offset < 0 || limit < 0) throw new IllegalArgumentException("offset and limit must be >= 0: " + offset + ", " + limit);
        return store.logs(flowRunId, offset, limit);
    }

    /**
     * Retention: deletes the flow runs that ended before {@code before} (created before it, in a final state)
     * whose state's type or name is one of {@code states} (any final state when none), with their task runs,
     * state history, logs and notification events, and their results in the result store that no remaining run or
     * cache entry uses. Runs that have not ended are never deleted.
     *
     * @param dryRun delete nothing, only return what would go
     * @return the runs deleted (or that would be), oldest first
     */
    public List<FlowRunRecord> deleteEnded(java.time.Instant before, java.util.Collection<String> states, boolean dryRun) {
        if (dryRun) return store.deleteEndedRuns(before, states, true);
        StateStore.Pruned gone = store.deleteEndedRunsAndResults(before, states);
        io.flowcore.engine.internal.schedule.Pruner.deleteResults(results, gone.resultKeys());
        return gone.runs();
    }

    /** The name of the store behind this history, e.g. {@code sqlite}. */
    public String storeName() {
        return store.name();
    }

    public TaskGraph graph(UUID flowRunId) {
        return TaskGraph.of(store.taskRuns(flowRunId));
    }
}
