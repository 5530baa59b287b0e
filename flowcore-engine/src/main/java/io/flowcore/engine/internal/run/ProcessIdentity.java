package io.flowcore.engine.internal.run;

import io.flowcore.api.spi.EngineLease;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who this process is, in terms another process can check: its pid only means something within one
 * kernel boot and one PID namespace, so those form the {@code namespace} written into the lease (Linux:
 * {@code /proc/sys/kernel/random/boot_id} and the {@code /proc/self/ns/pid} link). Two containers with
 * the same host name and different PID namespaces thus never judge each other's pids. Elsewhere the
 * namespace is unknown (null) and only heartbeats decide.
 */
record ProcessIdentity(String host, long pid, String namespace, Instant start) {
    /** A pid reused by another process started at a different time is not the engine's process. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    static ProcessIdentity current() {
        ProcessHandle me = ProcessHandle.current();
        return new ProcessIdentity(hostName(), me.pid(), readNamespace(), me.info().startInstant().orElse(null));
    }

    /** True when the lease's pid can be checked from here: same boot, same PID namespace. */
    boolean sees(EngineLease lease) {
        return namespace != null && namespace.equals(lease.namespace());
    }

    /** Whether the lease's process still runs; only meaningful when {@link #sees} the lease. */
    boolean isAlive(EngineLease lease) {
        Optional<ProcessHandle> p = ProcessHandle.of(lease.pid());
        if (p.isEmpty() || !p.get().isAlive()) return false;
        if (lease.processStart() == null) return true;
        Optional<Instant> started = p.get().info().startInstant();
        return started.isEmpty()
                || Duration.between(started.get(), lease.processStart()).abs().compareTo(START_TOLERANCE) <= 0;
    }

    private static String readNamespace() {
        try {
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            String pidNs = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return boot + "/" + pidNs;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
