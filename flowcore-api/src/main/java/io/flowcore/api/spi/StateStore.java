package io.flowcore.api.spi;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

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

    /** Inserts a flow run, held under {@link Claim#initial} by {@code run.engineId()} (null: by nobody yet). */
    void insertFlowRun(FlowRunRecord run);

    /** Inserts a task run of {@code claim.flowRunId()}; refused (see {@link #onClaimLost}) when the claim is stale. */
    void insertTaskRun(Claim claim, TaskRunRecord run);

    /**
     * Appends {@code state} to the flow run's history and makes it the current state, if the run's claim
     * epoch is still {@code claim.epoch()}; otherwise the write is dropped and {@link #onClaimLost}
     * listeners hear of it.
     */
    void setFlowRunState(Claim claim, State state);

    /**
     * Appends {@code state} to the task run's history, makes it current and sets the result ref (may be
     * null), under the same rule as {@link #setFlowRunState}: the task run belongs to {@code claim.flowRunId()}.
     */
    void setTaskRunState(Claim claim, UUID taskRunId, State state, String resultRef);

    /**
     * Writes a final state of a flow run and waits until the database has it (or has refused it). Task
     * runs of the run that have not ended are moved to {@code leftoverTasks} in the same transaction
     * (null leaves them).
     *
     * @return the run's state as stored afterwards: {@code state} when it was applied, else the state
     *         written by whoever took the run over
     */
    State commitFinalState(Claim claim, State state, State leftoverTasks);

    /**
     * Takes a flow run over, atomically: if it has not ended and its claim epoch is still
     * {@code expected.epoch()}, moves the epoch on (refusing every later write under the old claim),
     * records {@code flowState} (null: the state stays), moves its unfinished task runs to
     * {@code taskState} (null: they stay) and makes {@code engineId} its holder (null: the holder stays).
     * The database has the change before this returns.
     *
     * @return the new claim, or empty when the run ended or was taken over by someone else first
     */
    Optional<Claim> takeOver(Claim expected, String engineId, State flowState, State taskState);

    /**
     * This process writes flow run {@code flowRunId} no more (another JVM executed it under this process's claim):
     * the store may drop what it keeps in memory for the run.
     */
    default void forget(UUID flowRunId) {
    }

    /**
     * Every flow run that has not ended, with its claim and its holder's lease. A store that keeps a
     * local journal first applies the journals of engines that are gone, so that their acknowledged
     * writes are in before anyone decides about their runs.
     */
    List<RunClaim> liveRuns();

    /**
     * The claim flow run {@code flowRunId} is held under now, whatever its state; empty when there is no such
     * run or this store cannot tell. An engine compares it with its own to notice that another process took a
     * run over (marked it Crashed) while it wrote nothing, and stops executing it.
     */
    default Optional<Claim> currentClaim(UUID flowRunId) {
        return Optional.empty();
    }

    /**
     * Registers a listener told the flow run id whenever a write made under a stale claim was dropped.
     * It is called on a store thread: it must return quickly and must not call the store.
     */
    void onClaimLost(Consumer<UUID> listener);

    void appendLog(RunLog log);

    Optional<CacheEntry> findCache(String cacheKey);

    /** Inserts or replaces the entry of {@code entry.cacheKey()}. */
    void putCache(CacheEntry entry);

    /** Registers or refreshes an engine's lease. */
    void heartbeat(EngineLease lease);

    /** Removes an engine's lease when it closes normally. */
    void releaseLease(String engineId);

    Optional<FlowRunRecord> flowRun(UUID id);

    List<FlowRunRecord> flowRuns(FlowRunQuery query);

    /** The task runs of a flow run, in creation order. */
    List<TaskRunRecord> taskRuns(UUID flowRunId);

    Optional<TaskRunRecord> taskRun(UUID id);

    /** The state history of a flow run or task run, oldest first. */
    List<StateChange> stateHistory(UUID runId);

    /** The logs of a flow run and its task runs, in order. */
    List<RunLog> logs(UUID flowRunId);

    /**
     * Lines {@code offset} to {@code offset + limit - 1} of a run's log, in the order of {@link #logs(UUID)}: a page
     * for a reader that follows a long log (the server's live view) without reading it whole each time.
     */
    default List<RunLog> logs(UUID flowRunId, int offset, int limit) {
        List<RunLog> all = logs(flowRunId);
        return all.subList(Math.min(offset, all.size()), (int) Math.min(all.size(), (long) offset + limit));
    }

    /**
     * Retention: deletes the flow runs that ended (a final state) and were created before {@code before},
     * whose state's type or name is one of {@code states} (any final state when empty), with their task
     * runs, state history, logs and notification events. A run that has not ended is never deleted.
     *
     * @param dryRun true to delete nothing and only return what would go
     * @return the runs deleted (or that would be)
     */
    default List<FlowRunRecord> deleteEndedRuns(java.time.Instant before, java.util.Collection<String> states,
                                                boolean dryRun) {
        throw new UnsupportedOperationException("the " + name() + " store does not delete runs");
    }

    /**
     * {@link #deleteEndedRuns(java.time.Instant, java.util.Collection, boolean)}, at most {@code limit} runs,
     * oldest first: a pruner deletes in batches, so a large backlog is never read at once.
     */
    default List<FlowRunRecord> deleteEndedRuns(java.time.Instant before, java.util.Collection<String> states,
                                                boolean dryRun, int limit) {
        throw new UnsupportedOperationException("the " + name() + " store does not delete runs");
    }

    /**
     * The flow runs created from {@code from} (inclusive) to {@code to} (exclusive), counted per interval of
     * {@code width} from {@code from} on and per type of their current state; intervals without runs are left out.
     * This default pages through {@link #flowRuns}; a database counts in one grouped read.
     */
    default List<io.flowcore.api.run.CreatedRuns> createdRuns(java.time.Instant from, java.time.Instant to,
                                                              java.time.Duration width) {
        long w = width.toNanos();
        if (w <= 0) throw new IllegalArgumentException("width must be positive: " + width);
        java.util.Map<Long, java.util.Map<io.flowcore.api.state.StateType, Long>> counts = new java.util.TreeMap<>();
        FlowRunQuery page = FlowRunQuery.all().between(from, to).limit(1000);
        for (List<FlowRunRecord> runs = flowRuns(page); !runs.isEmpty();
             runs = runs.size() < 1000 ? List.of() : flowRuns(page.after(FlowRunQuery.Cursor.of(runs.getLast())))) {
            for (FlowRunRecord r : runs) {
                long slot = java.time.Duration.between(from, r.createdAt()).toNanos() / w;
                counts.computeIfAbsent(slot, k -> new java.util.EnumMap<>(io.flowcore.api.state.StateType.class))
                        .merge(r.state().type(), 1L, Long::sum);
            }
        }
        List<io.flowcore.api.run.CreatedRuns> out = new java.util.ArrayList<>();
        counts.forEach((slot, byType) -> byType.forEach((type, n) -> out.add(
                new io.flowcore.api.run.CreatedRuns(from.plusNanos(slot * w), width, type, n))));
        return out;
    }

    /**
     * Its flow runs by state and the due, unclaimed runs per work queue at {@code now}, for metrics. May lag
     * the newest writes by a moment.
     */
    default io.flowcore.api.run.RunCounts runCounts(java.time.Instant now) {
        throw new UnsupportedOperationException("the " + name() + " store does not count its runs");
    }

    /**
     * Retention's pass: deletes, like {@link #deleteEndedRuns(java.time.Instant, java.util.Collection, boolean)},
     * at most {@code limit} ended runs, oldest first: the runs of each deployment in {@code perDeployment} (by
     * full name, every version) created before its instant there, and every other run created before
     * {@code otherwise} (null: other runs are kept).
     *
     * @return the runs deleted, and the keys of their task runs' results in the {@link ResultStore} that no
     *         remaining task run (a cache hit or a resume of them) and no cache entry refers to: the caller
     *         deletes those from the result store
     */
    default Pruned pruneEndedRuns(java.time.Instant otherwise, java.util.Map<String, java.time.Instant> perDeployment,
                                  int limit) {
        // A store that only knows deleteEndedRuns: the engine's retention still applies, naming no results.
        if (!perDeployment.isEmpty()) {
            throw new UnsupportedOperationException("the " + name() + " store does not keep a retention per deployment");
        }
        return new Pruned(otherwise == null ? List.of() : deleteEndedRuns(otherwise, List.of(), false, limit), List.of());
    }

    /**
     * {@link #deleteEndedRuns(java.time.Instant, java.util.Collection, boolean)} that also names the results of the
     * deleted runs that nothing refers to any more (as {@link #pruneEndedRuns} does), for the caller to delete from
     * the {@link ResultStore}; a store that cannot tell names none.
     */
    default Pruned deleteEndedRunsAndResults(java.time.Instant before, java.util.Collection<String> states) {
        return new Pruned(deleteEndedRuns(before, states, false), List.of());
    }

    /**
     * What {@link #pruneEndedRuns} deleted.
     *
     * @param runs       the flow runs deleted
     * @param resultKeys result-store keys nothing refers to any more
     */
    record Pruned(List<FlowRunRecord> runs, List<String> resultKeys) {
        public Pruned {
            runs = List.copyOf(runs);
            resultKeys = List.copyOf(resultKeys);
        }
    }

    /** Waits until every write made before the call is visible to queries (and durable). */
    void flush();

    @Override
    void close();
}
