package io.flowcore.api.run;

import io.flowcore.api.state.State;
import java.time.Instant;
import java.util.UUID;

/**
 * A flow run as stored.
 *
 * @param id              run id
 * @param name            run name, e.g. {@code rainbow-manul}
 * @param flowName        the flow's name
 * @param flowClass       the user's flow class (binary name), so the run can be resumed
 * @param flowMethod      the flow method's name
 * @param parametersJson  the call's parameters as a JSON object (name → value)
 * @param parentFlowRunId the parent flow run of a subflow, or null
 * @param resumeOf        the failed flow run this run resumes, or null
 * @param engineId        the engine (process) that runs it; its lease tells whether it is alive
 * @param state           the current state
 * @param createdAt       creation time
 */
public record FlowRunRecord(UUID id, String name, String flowName, String flowClass, String flowMethod,
                            String parametersJson, UUID parentFlowRunId, UUID resumeOf, String engineId,
                            State state, Instant createdAt) {

    public FlowRunRecord withState(State s) {
        return new FlowRunRecord(id, name, flowName, flowClass, flowMethod, parametersJson, parentFlowRunId,
                resumeOf, engineId, s, createdAt);
    }
}
