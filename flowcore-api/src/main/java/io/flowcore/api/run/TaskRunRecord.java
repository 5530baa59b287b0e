package io.flowcore.api.run;

import io.flowcore.api.state.State;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A task run as stored.
 *
 * @param id         run id
 * @param flowRunId  the flow run it belongs to
 * @param taskKey    the task's identity: {@code <class>#<method>}
 * @param name       run name, e.g. {@code fetch-0}
 * @param dynamicKey the n-th call of this task in the flow run (0-based); with taskKey it identifies
 *                   "the same call" when a failed flow run is resumed
 * @param cacheKey   the cache key, or null when the task is not cached
 * @param upstream   task runs whose results were passed in as arguments (the task graph's edges)
 * @param state      the current state
 * @param resultRef  the persisted result: {@code "null"}, {@code "json:"} followed by the result's JSON when it
 *                   is small enough to keep in the run store, else a result store key; null when not persisted
 * @param createdAt  creation time
 */
public record TaskRunRecord(UUID id, UUID flowRunId, String taskKey, String name, int dynamicKey, String cacheKey,
                            List<UUID> upstream, State state, String resultRef, Instant createdAt) {

    public TaskRunRecord {
        upstream = List.copyOf(upstream);
    }

    public TaskRunRecord withState(State s, String ref) {
        return new TaskRunRecord(id, flowRunId, taskKey, name, dynamicKey, cacheKey, upstream, s, ref, createdAt);
    }
}
