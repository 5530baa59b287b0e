package io.flowcore.api.spi;

import java.time.Instant;

/**
 * An engine process's claim on the runs it executes, kept alive by heartbeats. A run whose engine's
 * lease has expired (or whose process is gone) is Crashed.
 *
 * @param engineId    unique per engine instance
 * @param host        host name
 * @param pid         process id
 * @param startedAt   when the engine opened the store
 * @param heartbeatAt the last heartbeat
 */
public record EngineLease(String engineId, String host, long pid, Instant startedAt, Instant heartbeatAt) {
}
