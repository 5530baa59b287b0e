package io.flowcore.engine.state;

import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import java.util.UUID;

/**
 * Where states change: every state a run enters goes through here, is checked against the
 * {@link StateMachine} table and recorded in the {@link StateStore} (which appends it to the run's
 * history). The runners only propose states.
 */
public final class Transitions {
    private final StateStore store;

    public Transitions(StateStore store) {
        this.store = store;
    }

    /** Moves a flow run from {@code from} to {@code to}; returns {@code to}. */
    public State flowRun(UUID id, String label, State from, State to) {
        StateMachine.check(label, from.type(), to.type());
        store.setFlowRunState(id, to);
        return to;
    }

    /** Moves a task run from {@code from} to {@code to}, setting its result ref (may be null); returns {@code to}. */
    public State taskRun(UUID id, String label, State from, State to, String resultRef) {
        StateMachine.check(label, from.type(), to.type());
        store.setTaskRunState(id, to, resultRef);
        return to;
    }
}
