package io.flowcore.api;

import io.flowcore.api.spi.FlowcoreRuntime;

/** Flow classes used from other flow classes. */
public final class Flows {
    private Flows() {
    }

    /**
     * An instance of {@code flowClass} whose {@code @Flow} and {@code @Task} methods are intercepted:
     * called from inside a flow run, its flows run as subflows and its tasks as task runs. Typically a
     * field of a parent flow class: {@code private final EtlWebToLake webToLake = Flows.create(EtlWebToLake.class);}
     *
     * @throws IllegalArgumentException naming every rule the class breaks
     */
    public static <T> T create(Class<T> flowClass) {
        return FlowcoreRuntime.get().newFlowInstance(flowClass);
    }

    /**
     * Runs another deployment from inside a flow run (Prefect's {@code run_deployment}): creates a run of
     * {@code fullName} ({@code flow/deployment}) with these parameters over the deployment's defaults, linked
     * to the calling run as its parent, on the deployment's work queue, where a worker picks it up. Its
     * parameters are validated before it is queued.
     *
     * @param timeout how long to wait for the run to end; {@link java.time.Duration#ZERO} returns at once
     * @return the run as the store last saw it: in a final state, or still Scheduled/Running when the timeout
     *         passed first (the run goes on)
     * @throws IllegalStateException when called outside a flow run
     * @throws IllegalArgumentException for an unknown deployment or invalid parameters, naming them
     */
    public static io.flowcore.api.run.FlowRunRecord runDeployment(String fullName, java.util.Map<String, ?> parameters,
                                                                 java.time.Duration timeout) {
        return FlowcoreRuntime.get().runDeployment(fullName, parameters, timeout);
    }
}
