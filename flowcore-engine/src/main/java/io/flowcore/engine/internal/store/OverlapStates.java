package io.flowcore.engine.internal.store;

import io.flowcore.api.deployment.Overlap;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.time.Instant;

/** The states the overlap policies skip and cancel-previous move runs to, for every store alike. */
final class OverlapStates {
    private OverlapStates() {
    }

    /**
     * A due run skipped because deployment {@code name} has {@code active} runs active and room for only the
     * {@code kept} due runs before it: Cancelled, named Skipped, as a too-late run is.
     */
    static State skipped(Instant now, String name, int active, int kept, Overlap o) {
        String why = "skipped: " + runs(active) + " of " + name + (active == 1 ? " is" : " are") + " active";
        if (kept > 0) why += " and " + runs(kept) + " due before it take" + (kept == 1 ? "s" : "") + " the room left";
        return State.named(StateType.CANCELLED, "Skipped", now, why + " (overlap " + o + ")");
    }

    /** A cancel request for a running run of deployment {@code name}, because a newer run came due at its limit. */
    static State cancelRequested(Instant now, String name, int active, Overlap o) {
        return State.named(StateType.CANCELLING, StateType.CANCELLING.displayName(), now, "cancelled: a newer run of "
                + name + " came due while " + runs(active) + (active == 1 ? " was" : " were") + " active (overlap " + o + ")");
    }

    private static String runs(int n) {
        return n + (n == 1 ? " run" : " runs");
    }
}
