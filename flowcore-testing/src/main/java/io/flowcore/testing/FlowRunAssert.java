package io.flowcore.testing;

import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on a finished flow run and its task runs, read from the store. A failure message shows the
 * run's state, its state history, its task runs and the error, so a failing test says what happened.
 *
 * <pre>{@code
 * assertThatRun(run).isCompleted()
 *         .hasStateHistory("Pending", "Running", "Completed")
 *         .hasTaskRun("extract-0", "Cached")
 *         .hasLogContaining("rows loaded");
 * }</pre>
 */
public final class FlowRunAssert {
    private final FlowRun<?> run;

    private FlowRunAssert(FlowRun<?> run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    public static FlowRunAssert assertThatRun(FlowRun<?> run) {
        return new FlowRunAssert(run);
    }

    /** The run ended Completed (any name: Completed, Cached…). */
    public FlowRunAssert isCompleted() {
        return hasStateType(StateType.COMPLETED);
    }

    /** The run ended Failed (any name: Failed, TimedOut…). */
    public FlowRunAssert isFailed() {
        return hasStateType(StateType.FAILED);
    }

    public FlowRunAssert hasStateType(StateType type) {
        if (run.state().type() != type) fail("expected the run to end " + type + " but it is " + run.state());
        return this;
    }

    /** The run's state has this name, e.g. {@code "TimedOut"}. */
    public FlowRunAssert hasStateName(String name) {
        if (!run.state().name().equals(name)) fail("expected the run's state to be named " + name + " but it is " + run.state());
        return this;
    }

    /** The run's states, oldest first, by name: e.g. {@code "Pending", "Running", "AwaitingRetry", "Retrying", "Completed"}. */
    public FlowRunAssert hasStateHistory(String... names) {
        List<String> actual = run.stateHistory().stream().map(c -> c.state().name()).toList();
        if (!actual.equals(Arrays.asList(names))) {
            fail("expected the state history " + Arrays.asList(names) + " but it is " + actual);
        }
        return this;
    }

    /** A task run of this name (e.g. {@code "extract-0"}) ended in a state of this name (e.g. {@code "Cached"}). */
    public FlowRunAssert hasTaskRun(String taskRunName, String stateName) {
        TaskRunRecord t = run.taskRuns().stream().filter(r -> r.name().equals(taskRunName)).findFirst()
                .orElseThrow(() -> failure("no task run named " + taskRunName));
        if (!t.state().name().equals(stateName)) {
            fail("expected task run " + taskRunName + " to be " + stateName + " but it is " + t.state());
        }
        return this;
    }

    /** The run's task runs, in the order they were created, by name. */
    public FlowRunAssert hasTaskRuns(String... taskRunNames) {
        List<String> actual = run.taskRuns().stream().map(TaskRunRecord::name).toList();
        if (!actual.equals(Arrays.asList(taskRunNames))) {
            fail("expected the task runs " + Arrays.asList(taskRunNames) + " but they are " + actual);
        }
        return this;
    }

    /** One of the run's stored log lines contains {@code text}. */
    public FlowRunAssert hasLogContaining(String text) {
        if (run.logs().stream().noneMatch(l -> l.message().contains(text))) fail("no log line contains '" + text + "'");
        return this;
    }

    private void fail(String what) {
        throw failure(what);
    }

    private AssertionFailedError failure(String what) {
        String tasks = run.taskRuns().stream().map(t -> t.name() + "=" + t.state().name())
                .collect(Collectors.joining(", ", "[", "]"));
        return new AssertionFailedError(what + "\n  flow run " + run.name() + " (" + run.flowName() + "): " + run.state()
                + "\n  task runs: " + tasks + (run.error() == null ? "" : "\n  error: " + run.error()), run.error());
    }
}
