package io.flowcore.api;

import io.flowcore.api.spi.FlowcoreRuntime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * What a running flow or task knows about itself. Get it with {@link #current()} from inside a flow
 * or task method.
 */
public interface RunContext {

    /** The context of the flow or task run executing on this thread. */
    static RunContext current() {
        RunContext c = FlowcoreRuntime.get().currentContext();
        if (c == null) throw new IllegalStateException("No flow or task run is executing on this thread. "
                + "Call RunContext.current() from inside a @Flow or @Task method run by Flowcore.");
        return c;
    }

    /** The run logger of the current run: lines go to SLF4J and are stored with the run. */
    static Logger logger() {
        return current().log();
    }

    UUID flowRunId();

    String flowRunName();

    String flowName();

    /** The task run, when a task is executing. */
    Optional<UUID> taskRunId();

    Optional<String> taskRunName();

    /** 1 for the first attempt, 2 for the first retry, … */
    int attempt();

    /** The flow run's parameters by name. */
    Map<String, Object> parameters();

    /** The run logger of this run. */
    Logger log();

    /**
     * The saved block {@code name} of the engine running this flow, e.g.
     * {@code RunContext.current().block("zoom-gcs", GcsBucket.class)}.
     *
     * @throws io.flowcore.api.block.BlockException when there is no such block of that type; the message
     *                                              lists the saved blocks of the type
     */
    <T extends io.flowcore.api.block.Block> T block(String name, Class<T> type);
}
