package io.flowcore.api.run;

import io.flowcore.api.state.State;
import java.util.UUID;

/**
 * One entry of a run's state history.
 *
 * @param runId the flow run or task run
 * @param seq   position in the run's history, from 0
 * @param state the state entered
 */
public record StateChange(UUID runId, long seq, State state) {
}
