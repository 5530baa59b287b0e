package io.flowcore.api;

import io.flowcore.api.state.State;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A task run submitted with {@link Tasks#submit}. Passing {@link #get()}'s value to another task
 * records the dependency edge in the run's task graph.
 *
 * @param <T> the task's result type
 */
public interface TaskFuture<T> {
    UUID taskRunId();

    /** Waits for the run to end and returns its result, or rethrows the task's exception. */
    T get();

    /** Like {@link #get()}, giving up after {@code timeout}. */
    T get(Duration timeout) throws TimeoutException;

    /** Waits for the run to end and returns its final state (no exception for failures). */
    State await();

    /** The run's current state. */
    State state();
}
