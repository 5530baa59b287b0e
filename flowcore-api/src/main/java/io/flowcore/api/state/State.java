package io.flowcore.api.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One state of a flow run or task run: a {@link StateType} (the meaning), a name (for display;
 * e.g. a {@code SCHEDULED} state named {@code AwaitingRetry}), the time it was entered, an optional
 * message (the error of a failed run) and, for scheduled states, when the run is due.
 *
 * @param type          what the state means; never null
 * @param name          display name; never null
 * @param timestamp     when the run entered the state; never null
 * @param message       a human-readable detail, or null
 * @param scheduledTime when a scheduled run is due, or null
 */
public record State(StateType type, String name, Instant timestamp, String message, Instant scheduledTime) {

    public State {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    public static State of(StateType type, Instant at) {
        return new State(type, type.displayName(), at, null, null);
    }

    public static State named(StateType type, String name, Instant at, String message) {
        return new State(type, name, at, message, null);
    }

    public static State scheduled(String name, Instant at, Instant due) {
        return new State(StateType.SCHEDULED, name, at, null, due);
    }

    public boolean isFinal() {
        return type.isFinal();
    }

    public boolean is(StateType t) {
        return type == t;
    }

    /** Prefect's shape: {@code Completed()}, {@code Failed('boom')}, {@code Cached(type=COMPLETED)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('(');
        boolean renamed = !name.equals(type.displayName());
        if (message != null) {
            sb.append('\'').append(message).append('\'');
            if (renamed) sb.append(", ");
        }
        if (renamed) sb.append("type=").append(type);
        return sb.append(')').toString();
    }
}
