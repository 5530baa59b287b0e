package io.flowcore.api.spi;

import io.flowcore.api.state.State;

/**
 * A flow run that has not ended, with who holds it: what a store reports so that the engine can decide
 * whether the holder is gone (crash detection) or take the run over (cancellation).
 *
 * @param claim    the run and its current claim epoch
 * @param runName  the run's name, for messages
 * @param state    its current state (never final)
 * @param engineId the engine that holds it, or null when nobody does (a run waiting to be claimed)
 * @param lease    that engine's lease, or null when it has none (it released it, or never had one)
 */
public record RunClaim(Claim claim, String runName, State state, String engineId, EngineLease lease) {
}
