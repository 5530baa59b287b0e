package io.flowcore.api.run;

import io.flowcore.api.state.StateType;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A filter over flow runs; null or empty fields do not filter. Results are newest first (by creation time,
 * then by id), so a page ends at a {@link Cursor} from which {@link #after} reads the next one.
 *
 * @param flowName      only runs of this flow
 * @param states        only runs whose current state has one of these types
 * @param createdAfter  only runs created at or after this time
 * @param createdBefore only runs created before this time
 * @param limit         at most this many (must be positive)
 * @param deployment    only runs created from this deployment ({@code <flow>/<deployment>})
 * @param stateNames    only runs whose current state has one of these names (e.g. {@code Late}); with
 *                      {@code states}, a run matching either is kept
 * @param tag           only runs created from a deployment version with this tag
 * @param nameContains  only runs whose name contains this text, ignoring ASCII case
 * @param after         only runs that come after this position in the order above (keyset pagination)
 */
public record FlowRunQuery(String flowName, Set<StateType> states, Instant createdAfter, Instant createdBefore,
                           int limit, String deployment, Set<String> stateNames, String tag, String nameContains,
                           Cursor after) {

    /**
     * A position in the newest-first order: the last run of a page.
     *
     * @param createdAt the run's creation time
     * @param id        the run's id, which orders runs created at the same time
     */
    public record Cursor(Instant createdAt, UUID id) {
        public Cursor {
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(id, "id");
        }

        /** The position of {@code run}: the next page starts after it. */
        public static Cursor of(FlowRunRecord run) {
            return new Cursor(run.createdAt(), run.id());
        }

        /** True when {@code run} comes after this position (it is older, or as old with a greater id). */
        public boolean precedes(FlowRunRecord run) {
            int c = run.createdAt().compareTo(createdAt);
            return c < 0 || (c == 0 && run.id().toString().compareTo(id.toString()) > 0);
        }
    }

    public FlowRunQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
        stateNames = stateNames == null ? Set.of() : Set.copyOf(stateNames);
        if (limit <= 0) throw new IllegalArgumentException("limit must be positive: " + limit);
    }

    public static FlowRunQuery all() {
        return new FlowRunQuery(null, Set.of(), null, null, 1000, null, Set.of(), null, null, null);
    }

    public FlowRunQuery flow(String name) {
        return new FlowRunQuery(name, states, createdAfter, createdBefore, limit, deployment, stateNames, tag,
                nameContains, after);
    }

    public FlowRunQuery inStates(StateType... types) {
        return new FlowRunQuery(flowName, Set.of(types), createdAfter, createdBefore, limit, deployment, stateNames,
                tag, nameContains, after);
    }

    /** Only runs whose current state has one of these names, e.g. {@code "Late"}, {@code "AwaitingRetry"}. */
    public FlowRunQuery inStateNames(String... names) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, limit, deployment, Set.of(names), tag,
                nameContains, after);
    }

    public FlowRunQuery between(Instant after, Instant before) {
        return new FlowRunQuery(flowName, states, after, before, limit, deployment, stateNames, tag, nameContains,
                this.after);
    }

    public FlowRunQuery limit(int n) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, n, deployment, stateNames, tag,
                nameContains, after);
    }

    /** Only runs of the deployment {@code <flow>/<deployment>}. */
    public FlowRunQuery deployment(String fullName) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, limit, fullName, stateNames, tag,
                nameContains, after);
    }

    /** Only runs created from a deployment version with this tag. */
    public FlowRunQuery tag(String t) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, limit, deployment, stateNames, t,
                nameContains, after);
    }

    /** Only runs whose name contains {@code text}, ignoring ASCII case. */
    public FlowRunQuery nameContains(String text) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, limit, deployment, stateNames, tag,
                text, after);
    }

    /** The page after {@code cursor} (null: the first page). */
    public FlowRunQuery after(Cursor cursor) {
        return new FlowRunQuery(flowName, states, createdAfter, createdBefore, limit, deployment, stateNames, tag,
                nameContains, cursor);
    }

    /** True when the state filter keeps a run in state {@code type} named {@code name}. */
    public boolean stateMatches(StateType type, String name) {
        if (states.isEmpty() && stateNames.isEmpty()) return true;
        return states.contains(type) || stateNames.contains(name);
    }
}
