package io.flowcore.engine.internal.state;

import static io.flowcore.api.state.StateType.CANCELLED;
import static io.flowcore.api.state.StateType.CANCELLING;
import static io.flowcore.api.state.StateType.COMPLETED;
import static io.flowcore.api.state.StateType.CRASHED;
import static io.flowcore.api.state.StateType.FAILED;
import static io.flowcore.api.state.StateType.PAUSED;
import static io.flowcore.api.state.StateType.PENDING;
import static io.flowcore.api.state.StateType.RUNNING;
import static io.flowcore.api.state.StateType.SCHEDULED;

import io.flowcore.api.state.StateType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal state transitions of flow runs and task runs: the one table every state change is checked
 * against. {@code docs/states.md} is generated from it by a test.
 *
 * <p>A run starts in SCHEDULED or PENDING; final states (COMPLETED, FAILED, CANCELLED, CRASHED) have
 * no way out. RUNNING → RUNNING is legal: it is a renamed state (Running → Retrying).
 */
public final class StateMachine {
    private static final Map<StateType, Set<StateType>> LEGAL = new EnumMap<>(StateType.class);

    static {
        allow(SCHEDULED, PENDING, RUNNING, CANCELLED, CRASHED, FAILED, SCHEDULED);
        allow(PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, CRASHED, SCHEDULED);
        allow(RUNNING, RUNNING, COMPLETED, FAILED, CRASHED, CANCELLING, CANCELLED, SCHEDULED, PAUSED);
        allow(PAUSED, RUNNING, CANCELLED, CRASHED, CANCELLING);
        allow(CANCELLING, CANCELLED, CRASHED);
        for (StateType t : StateType.values()) {
            if (t.isFinal()) LEGAL.put(t, EnumSet.noneOf(StateType.class));
        }
    }

    private static void allow(StateType from, StateType first, StateType... rest) {
        LEGAL.put(from, EnumSet.of(first, rest));
    }

    private StateMachine() {
    }

    /** The states a run may start in. */
    public static Set<StateType> initial() {
        return EnumSet.of(SCHEDULED, PENDING);
    }

    public static boolean isLegal(StateType from, StateType to) {
        return LEGAL.get(from).contains(to);
    }

    /** Every legal target of {@code from}. */
    public static Set<StateType> targets(StateType from) {
        return Collections.unmodifiableSet(LEGAL.get(from));
    }

    /**
     * @throws IllegalStateException naming the run and both states when the transition is not legal
     */
    public static void check(String run, StateType from, StateType to) {
        if (!isLegal(from, to)) {
            throw new IllegalStateException("illegal state transition for " + run + ": " + from + " -> " + to
                    + " (legal from " + from + ": " + LEGAL.get(from) + ")");
        }
    }
}
