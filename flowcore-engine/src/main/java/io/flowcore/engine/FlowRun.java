package io.flowcore.engine;

import io.flowcore.api.FlowRunException;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.run.FlowOutcome;
import java.util.List;
import java.util.UUID;

/**
 * A finished flow run: its final state, its result or error, and its recorded history.
 *
 * @param <T> the flow method's return type
 */
public final class FlowRun<T> {
    private final FlowOutcome outcome;
    private final RunHistory history;

    FlowRun(FlowOutcome outcome, RunHistory history) {
        this.outcome = outcome;
        this.history = history;
    }

    public UUID id() {
        return outcome.flowRunId();
    }

    /** The run's name, e.g. {@code rainbow-manul}. */
    public String name() {
        return outcome.name();
    }

    public String flowName() {
        return outcome.flowName();
    }

    /** The final state. */
    public State state() {
        return outcome.state();
    }

    public boolean isCompleted() {
        return outcome.state().type() == StateType.COMPLETED;
    }

    /**
     * The flow's return value.
     *
     * @throws FlowRunException when the run did not complete; its cause is the error that ended it
     */
    @SuppressWarnings("unchecked")
    public T result() {
        if (!isCompleted()) {
            throw new FlowRunException("flow run '" + name() + "' of flow '" + flowName() + "' ended in state "
                    + state(), outcome.error());
        }
        return (T) outcome.value();
    }

    /** The error that ended the run, or null when it completed. */
    public Throwable error() {
        return outcome.error();
    }

    /** The run's state history, oldest first. */
    public List<StateChange> stateHistory() {
        return history.stateHistory(id());
    }

    /** The run's task runs in creation order. */
    public List<TaskRunRecord> taskRuns() {
        return history.taskRuns(id());
    }

    /** The logs of the run and its task runs. */
    public List<RunLog> logs() {
        return history.logs(id());
    }

    /** The run's task graph. */
    public TaskGraph graph() {
        return history.graph(id());
    }

    @Override
    public String toString() {
        return "FlowRun[" + name() + " (" + flowName() + "): " + state() + "]";
    }
}
