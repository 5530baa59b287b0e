package io.flowcore.engine.internal.run;

import io.flowcore.api.spi.ResultStore;
import io.flowcore.api.spi.Sleeper;
import io.flowcore.api.spi.StateStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Everything an engine is built from, resolved and checked by {@code FlowcoreConfig}.
 *
 * @param store             run store (owned: closed with the engine)
 * @param resultStore       persisted results too large to keep with the task run's state
 * @param inlineResultLimit results up to this many bytes of JSON are kept in the run store with the state
 * @param clock             time source for states and leases
 * @param sleeper           waits between retries
 * @param heartbeatInterval how often the engine renews its lease
 * @param leaseTimeout      after how long without a heartbeat another engine marks this one's runs Crashed
 * @param tagLimits         per-tag concurrency limits
 * @param taskOverrides     task options set in code
 * @param flowOverrides     flow options set in code
 * @param storedLogLevel    run log lines at or above this level are stored
 * @param blocks            loads saved blocks for {@code RunContext.block}
 * @param childEnvironment  the variables a child JVM needs to open the same store (process and docker
 *                          infrastructures); null when the store was given as an object and cannot be reopened
 * @param meters            where the engine records its metrics (see StateMetrics, StoreGauges); null: nowhere
 */
public record EngineSettings(StateStore store, ResultStore resultStore, int inlineResultLimit, InstantSource clock, Sleeper sleeper,
                             Duration heartbeatInterval, Duration leaseTimeout, Map<String, Integer> tagLimits,
                             List<TaskOverride> taskOverrides, List<FlowOverride> flowOverrides, Level storedLogLevel, BlockLoader blocks,
                             Map<String, String> childEnvironment, io.micrometer.core.instrument.MeterRegistry meters) {
    public EngineSettings {
        tagLimits = Map.copyOf(tagLimits);
        taskOverrides = List.copyOf(taskOverrides);
        flowOverrides = List.copyOf(flowOverrides);
        childEnvironment = childEnvironment == null ? null : Map.copyOf(childEnvironment);
    }

    /** Loads a saved block by name and type. */
    public interface BlockLoader {
        <T extends io.flowcore.api.block.Block> T load(String name, Class<T> type);
    }
}
