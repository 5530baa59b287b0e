package io.flowcore.engine.internal.state;

import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.time.Instant;

/** The named states the engine uses; the name is for display, the type is the meaning (Prefect's vocabulary). */
public final class States {
    private States() {
    }

    public static State pending(Instant at) {
        return State.of(StateType.PENDING, at);
    }

    public static State scheduled(Instant at, Instant due) {
        return State.scheduled("Scheduled", at, due);
    }

    /** A scheduled run that did not start on time. */
    public static State late(Instant at, Instant due) {
        return State.scheduled("Late", at, due);
    }

    public static State running(Instant at) {
        return State.of(StateType.RUNNING, at);
    }

    /** A RUNNING state of a retry attempt. */
    public static State retrying(Instant at) {
        return State.named(StateType.RUNNING, "Retrying", at, null);
    }

    /** A SCHEDULED state while a failed attempt waits for its retry. */
    public static State awaitingRetry(Instant at, Instant due, String error) {
        return new State(StateType.SCHEDULED, "AwaitingRetry", at, error, due);
    }

    public static State completed(Instant at) {
        return State.of(StateType.COMPLETED, at);
    }

    /** A COMPLETED state whose result came from the cache. */
    public static State cached(Instant at) {
        return State.named(StateType.COMPLETED, "Cached", at, null);
    }

    /** A COMPLETED state whose result was reused from the failed run being resumed. */
    public static State resumed(Instant at, String fromTaskRun) {
        return State.named(StateType.COMPLETED, "Resumed", at, "result of task run " + fromTaskRun);
    }

    public static State failed(Instant at, String message) {
        return State.named(StateType.FAILED, "Failed", at, message);
    }

    /** A FAILED state of a run that ran out of time. */
    public static State timedOut(Instant at, String message) {
        return State.named(StateType.FAILED, "TimedOut", at, message);
    }

    public static State crashed(Instant at, String message) {
        return State.named(StateType.CRASHED, "Crashed", at, message);
    }

    public static State cancelling(Instant at) {
        return State.of(StateType.CANCELLING, at);
    }

    public static State cancelled(Instant at, String message) {
        return State.named(StateType.CANCELLED, "Cancelled", at, message);
    }
}
