package io.flowcore.engine.internal.state;

import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.util.Optional;
import java.util.UUID;

/**
 * Where states change: every state a run enters goes through here, is checked against the
 * {@link StateMachine} table and recorded in the {@link StateStore} under the writer's {@link Claim}.
 * The runners only propose states; crash detection, cancellation from another process and re-claiming
 * a run come through here too, as takeovers that move the run's claim epoch on, so a previous holder's
 * late writes are refused by the store rather than overwriting what the new holder wrote.
 */
public final class Transitions {
    private final StateStore store;
    private final StateMetrics metrics;

    public Transitions(StateStore store) {
        this(store, StateMetrics.NONE);
    }

    public Transitions(StateStore store, StateMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** Moves a flow run from {@code from} to a state that is not final; returns {@code to}. */
    public State flowRun(Claim claim, String label, State from, State to) {
        StateMachine.check(label, from.type(), to.type());
        if (to.isFinal()) throw new IllegalArgumentException(label + ": end a run with endFlowRun, not flowRun");
        store.setFlowRunState(claim, to);
        metrics.flowRunEntered(to);
        return to;
    }

    /**
     * Ends a flow run: writes the final state {@code to} and waits until the database has it. Task runs of
     * it that have not ended move to {@code leftoverTasks} (null: leave them).
     *
     * @return the state as stored: {@code to}, or, when the run was taken over meanwhile, the new holder's
     */
    public State endFlowRun(Claim claim, String label, State from, State to, State leftoverTasks) {
        StateMachine.check(label, from.type(), to.type());
        if (!to.isFinal()) throw new IllegalArgumentException(label + ": " + to + " is not a final state");
        State stored = store.commitFinalState(claim, to, leftoverTasks);
        metrics.flowRunEntered(stored);
        return stored;
    }

    /** Moves a task run of the claimed flow run from {@code from} to {@code to}, setting its result ref (may be null). */
    public State taskRun(Claim claim, UUID taskRunId, String label, State from, State to, String resultRef) {
        StateMachine.check(label, from.type(), to.type());
        store.setTaskRunState(claim, taskRunId, to, resultRef);
        metrics.taskRunEntered(from, to);
        return to;
    }

    /**
     * Marks a run whose holder is gone Crashed, with its unfinished task runs, taking it over.
     *
     * @return the new claim, or empty when the run ended or was taken over by someone else first
     */
    public Optional<Claim> crash(RunClaim run, State crashed) {
        requireType(crashed, StateType.CRASHED);
        StateMachine.check("Flow run '" + run.runName() + "'", run.state().type(), crashed.type());
        return entered(store.takeOver(run.claim(), null, crashed, crashed), crashed);
    }

    /**
     * Cancels a run that waits for a worker (Scheduled or Late, held by no engine): it ends Cancelled at once,
     * under a new claim epoch, so a worker's claim of it in the meantime loses and it never starts.
     *
     * @return the new claim, or empty when a worker claimed it first (then cancel the running run instead)
     */
    public Optional<Claim> cancelWaiting(RunClaim run, State cancelled) {
        requireType(cancelled, StateType.CANCELLED);
        StateMachine.check("Flow run '" + run.runName() + "'", run.state().type(), cancelled.type());
        return entered(store.takeOver(run.claim(), null, cancelled, null), cancelled);
    }

    /**
     * Asks for a run held by another engine to stop: it becomes Cancelling under a new claim epoch. Its
     * holder notices (its writes are refused, or at its next heartbeat), re-claims it and ends it Cancelled.
     *
     * @return the new claim, or empty when the run ended or was taken over by someone else first
     */
    public Optional<Claim> requestCancel(RunClaim run, State cancelling) {
        requireType(cancelling, StateType.CANCELLING);
        if (run.state().type() == StateType.CANCELLING) return Optional.of(run.claim());
        StateMachine.check("Flow run '" + run.runName() + "'", run.state().type(), cancelling.type());
        return entered(store.takeOver(run.claim(), null, cancelling, null), cancelling);
    }

    /**
     * Takes back a run this engine executes after another process moved its claim on (a cancellation):
     * its state stays, only the claim becomes this engine's again.
     *
     * @return the new claim, or empty when the run ended or was taken over by someone else first
     */
    public Optional<Claim> reclaim(RunClaim run, String engineId) {
        return store.takeOver(run.claim(), engineId, null, null);
    }

    private Optional<Claim> entered(Optional<Claim> taken, State s) {
        if (taken.isPresent()) metrics.flowRunEntered(s);
        return taken;
    }

    private static void requireType(State s, StateType type) {
        if (s.type() != type) throw new IllegalArgumentException("expected a " + type + " state: " + s);
    }
}
