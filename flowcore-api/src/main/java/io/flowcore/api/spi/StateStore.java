package io.flowcore.api.spi;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Where runs, their state histories, logs, cache entries and engine leases are kept. The engine calls
 * the write methods from many threads at once; an implementation must be thread-safe and must not
 * fail with "database is locked" under load.
 *
 * <p>Writes may be applied asynchronously (group commit), but a write that returned must survive a
 * crash of this process; readers call {@link #flush()} first when they need to see every write.
 * Every implementation passes the engine's {@code StateStoreContractTests}.
 */
public interface StateStore extends AutoCloseable {

    /** A short name for logs and benchmarks, e.g. {@code sqlite}. */
    String name();

    void insertFlowRun(FlowRunRecord run);

    void insertTaskRun(TaskRunRecord run);

    /** Appends {@code state} to the flow run's history and makes it the current state. */
    void setFlowRunState(UUID flowRunId, State state);

    /** Appends {@code state} to the task run's history, makes it current and sets the result ref (may be null). */
    void setTaskRunState(UUID taskRunId, State state, String resultRef);

    void appendLog(RunLog log);

    Optional<CacheEntry> findCache(String cacheKey);

    /** Inserts or replaces the entry of {@code entry.cacheKey()}. */
    void putCache(CacheEntry entry);

    /** Registers or refreshes an engine's lease. */
    void heartbeat(EngineLease lease);

    /** Removes an engine's lease when it closes normally. */
    void releaseLease(String engineId);

    /**
     * Marks as Crashed every non-final flow run (and its non-final task runs) whose engine's lease is
     * older than {@code now - leaseTimeout}, or whose lease {@code isDead} says is gone, or that has no
     * lease at all. Returns the ids of the flow runs it marked.
     */
    List<UUID> markCrashedRuns(Instant now, Duration leaseTimeout, Predicate<EngineLease> isDead, State crashed);

    Optional<FlowRunRecord> flowRun(UUID id);

    List<FlowRunRecord> flowRuns(FlowRunQuery query);

    /** The task runs of a flow run, in creation order. */
    List<TaskRunRecord> taskRuns(UUID flowRunId);

    Optional<TaskRunRecord> taskRun(UUID id);

    /** The state history of a flow run or task run, oldest first. */
    List<StateChange> stateHistory(UUID runId);

    /** The logs of a flow run and its task runs, in order. */
    List<RunLog> logs(UUID flowRunId);

    /** Waits until every write made before the call is visible to queries (and durable). */
    void flush();

    @Override
    void close();
}
