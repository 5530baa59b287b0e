package io.flowcore.engine.internal.run;

import io.flowcore.api.state.State;
import java.util.UUID;

/**
 * How a flow run ended.
 *
 * @param flowRunId the run
 * @param name      its name
 * @param flowName  the flow's name
 * @param state     the final state
 * @param value     the flow's return value when it completed
 * @param error     what failed, cancelled or timed it out, or null
 */
public record FlowOutcome(UUID flowRunId, String name, String flowName, State state, Object value, Throwable error) {
}
