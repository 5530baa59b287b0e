package io.flowcore.api.spi;

import java.time.Instant;

/**
 * An engine process's hold on the runs it executes, kept alive by heartbeats. Other engines decide that
 * the holder is gone when its heartbeat stops changing for the lease timeout (measured on their own
 * clocks, so a skewed clock cannot expire a live lease), or at once when the process is visibly gone:
 * same {@code namespace} and no live process {@code pid} started at {@code processStart}.
 *
 * @param engineId     unique per engine instance
 * @param host         host name (for people; not used to decide anything)
 * @param pid          process id, within {@code namespace}
 * @param startedAt    when the engine opened the store
 * @param heartbeatAt  the last heartbeat, on the holder's clock
 * @param namespace    where {@code pid} means something: the kernel's boot id and PID namespace, or null
 *                     when unknown (then only the heartbeat decides)
 * @param processStart when the process started (tells a reused pid apart), or null when unknown
 */
public record EngineLease(String engineId, String host, long pid, Instant startedAt, Instant heartbeatAt,
                          String namespace, Instant processStart) {

    /** A lease without process identity: only its heartbeat tells whether the engine is alive. */
    public EngineLease(String engineId, String host, long pid, Instant startedAt, Instant heartbeatAt) {
        this(engineId, host, pid, startedAt, heartbeatAt, null, null);
    }
}
