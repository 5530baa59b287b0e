package io.flowcore.api.run;

import io.flowcore.api.state.StateType;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How many of the flow runs created in {@code [from, from + width)} are now in a state of type {@code state}: one
 * segment of a timeline such as the dashboard's last 24 hours.
 *
 * @param from  the start of the interval
 * @param width the interval's length
 * @param state the type of the runs' current state
 * @param runs  how many runs, {@code > 0}
 */
public record CreatedRuns(Instant from, Duration width, StateType state, long runs) {
    public CreatedRuns {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(width, "width");
        Objects.requireNonNull(state, "state");
    }
}
