package io.flowcore.api.run;

import io.flowcore.api.state.StateType;
import java.time.Instant;
import java.util.Set;

/**
 * A filter over flow runs; null or empty fields do not filter. Results are newest first.
 *
 * @param flowName      only runs of this flow
 * @param states        only runs whose current state has one of these types
 * @param createdAfter  only runs created at or after this time
 * @param createdBefore only runs created before this time
 * @param limit         at most this many (must be positive)
 */
public record FlowRunQuery(String flowName, Set<StateType> states, Instant createdAfter, Instant createdBefore,
                           int limit) {

    public FlowRunQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
        if (limit <= 0) throw new IllegalArgumentException("limit must be positive: " + limit);
    }

    public static FlowRunQuery all() {
        return new FlowRunQuery(null, Set.of(), null, null, 1000);
    }

    public FlowRunQuery flow(String name) {
        return new FlowRunQuery(name, states, createdAfter, createdBefore, limit);
    }

    public FlowRunQuery inStates(StateType... types) {
        return new FlowRunQuery(flowName, Set.of(types), createdAfter, createdBefore, limit);
    }

    public FlowRunQuery between(Instant after, Instant before) {
        return new FlowRunQuery(flowName, states, after, before, limit);
    }

    public FlowRunQuery limit(int n) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, n);
    }
}
