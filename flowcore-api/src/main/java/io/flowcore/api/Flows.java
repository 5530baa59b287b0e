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
}
