package io.flowcore.api.run;

import io.flowcore.api.state.StateType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a store holds right now, for metrics ({@code /metrics} of the server and of workers): its flow runs by
 * state, and per work queue the Scheduled runs that are due and how long the oldest of them has waited.
 *
 * @param at     when the counts were read
 * @param states one entry per state (type and name) that at least one flow run is in
 * @param queues one entry per work queue with at least one due run
 */
public record RunCounts(Instant at, List<StateCount> states, List<QueueBacklog> queues) {
    public RunCounts {
        Objects.requireNonNull(at, "at");
        states = List.copyOf(states);
        queues = List.copyOf(queues);
    }

    /** How many flow runs are in the state {@code type}/{@code name} (e.g. SCHEDULED/Late). */
    public record StateCount(StateType type, String name, long runs) {
    }

    /**
     * The Scheduled (or Late) runs of a queue whose scheduled time has come and that no worker has claimed yet.
     *
     * @param oldestWait how long the longest-waiting of them has been due
     */
    public record QueueBacklog(String queue, long dueRuns, Duration oldestWait) {
    }
}
