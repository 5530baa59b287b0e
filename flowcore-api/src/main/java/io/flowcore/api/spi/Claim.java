package io.flowcore.api.spi;

import java.util.Objects;
import java.util.UUID;

/**
 * An engine's claim on a flow run: the run and the epoch under which the claim was taken. Every state
 * write names the claim it is made under, and a store applies it only while the run's epoch is still
 * {@code epoch}; whoever takes a run over (crash detection, a cancellation from another process, a
 * worker re-claiming it) moves the epoch on, so the previous holder's late writes are refused instead of
 * overwriting the new holder's. A run starts at epoch 0, held by the engine that created it.
 *
 * @param flowRunId the flow run; its task runs are written under the same claim
 * @param epoch     the run's claim epoch when this claim was taken, {@code >= 0}
 */
public record Claim(UUID flowRunId, long epoch) {
    public Claim {
        Objects.requireNonNull(flowRunId, "flowRunId");
        if (epoch < 0) throw new IllegalArgumentException("claim epoch must be >= 0: " + epoch);
    }

    /** The claim a new run starts with. */
    public static Claim initial(UUID flowRunId) {
        return new Claim(flowRunId, 0);
    }
}
