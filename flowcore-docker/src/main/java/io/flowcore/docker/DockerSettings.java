package io.flowcore.docker;

import io.flowcore.api.deployment.Infrastructure;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A docker deployment's settings, read and checked once: every wrong setting is an
 * {@link IllegalArgumentException} naming it and saying what it takes.
 *
 * @param image       the image to run (must exist on the engine: nothing is pulled)
 * @param env         variables set in the container (beside the ones that open the store)
 * @param volumes     bind mounts
 * @param memory      the memory limit in bytes (swap included), or null for none
 * @param nanoCpus    the CPU limit in billionths of a CPU, or null for none
 * @param network     {@code host} (the default: the container reaches servers on the host's loopback) or {@code none}
 * @param stopGrace   how long a stop waits after SIGTERM before SIGKILL
 * @param jvmOptions  options for the container's {@code java}
 */
record DockerSettings(String image, Map<String, String> env, List<Volume> volumes, Long memory, Long nanoCpus,
                      String network, Duration stopGrace, List<String> jvmOptions) {
    static final Set<String> NAMES = Set.of("image", "env", "volumes", "memory", "cpus", "network", "stopGrace",
            "jvmOptions");
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    /** Docker refuses smaller limits. */
    private static final long MIN_MEMORY = 6L << 20;
    private static final Pattern MEMORY = Pattern.compile("(\\d+)\\s*([kmg]?)b?");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** A bind mount {@code host:container[:ro]}. */
    record Volume(String host, String container, boolean readOnly) {
        @Override
        public String toString() {
            return host + ":" + container + (readOnly ? ":ro" : "");
        }
    }

    /** Reads {@code spec}'s settings. */
    static DockerSettings of(Infrastructure spec) {
        for (String k : spec.settings().keySet()) {
            if (!NAMES.contains(k)) {
                throw new IllegalArgumentException("infrastructure docker has no setting '" + k + "'; its settings are "
                        + new TreeSet<>(NAMES));
            }
        }
        String image = spec.text("image");
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("infrastructure docker needs the setting 'image' (e.g. local/flowcore-examples)");
        }
        Object env = spec.settings().get("env");
        if (env != null && !(env instanceof Map)) {
            throw new IllegalArgumentException("infrastructure docker setting 'env' must be a map of names to values, got '" + env + "'");
        }
        List<Volume> volumes = new ArrayList<>();
        for (String v : spec.list("volumes")) volumes.add(volume(v));
        String network = spec.text("network") == null ? "host" : spec.text("network");
        if (!network.equals("host") && !network.equals("none")) {
            throw new IllegalArgumentException("infrastructure docker setting 'network' is '" + network
                    + "'; it takes host (the default: the container shares the host's network) or none");
        }
        return new DockerSettings(image.strip(), spec.map("env"), List.copyOf(volumes), memory(spec.text("memory")),
                cpus(spec.text("cpus")), network, grace(spec.text("stopGrace")), spec.list("jvmOptions"));
    }

    private static Volume volume(String v) {
        String[] p = v.split(":", -1);
        boolean ro = p.length == 3 && p[2].equals("ro");
        boolean modeOk = p.length == 2 || (p.length == 3 && (ro || p[2].equals("rw")));
        if (!modeOk || !p[0].startsWith("/") || !p[1].startsWith("/")) {
            throw new IllegalArgumentException("infrastructure docker setting 'volumes': '" + v
                    + "' is not host:container[:ro] with absolute paths (e.g. /data/taxi:/data:ro)");
        }
        return new Volume(p[0], p[1], ro);
    }

    /** {@code 512m}, {@code 2g}, {@code 65536k} or bytes. */
    static Long memory(String text) {
        if (text == null) return null;
        Matcher m = MEMORY.matcher(text.strip().toLowerCase(Locale.ROOT));
        long bytes = -1;
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                int shift = switch (m.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
                bytes = Math.multiplyExact(n, 1L << shift);
            } catch (ArithmeticException | NumberFormatException e) {
                bytes = -1;
            }
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("infrastructure docker setting 'memory' is '" + text
                    + "'; it takes a size such as 512m or 2g");
        }
        if (bytes < MIN_MEMORY) {
            throw new IllegalArgumentException("infrastructure docker setting 'memory' is '" + text
                    + "'; Docker needs at least 6m (a JVM, far more: 256m or more)");
        }
        return bytes;
    }

    /** {@code 1.5} CPUs as billionths. */
    static Long cpus(String text) {
        if (text == null) return null;
        try {
            BigDecimal c = new BigDecimal(text.strip());
            if (c.signum() > 0) return c.movePointRight(9).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            // below: one message for every wrong value
        }
        throw new IllegalArgumentException("infrastructure docker setting 'cpus' is '" + text
                + "'; it takes a number of CPUs above 0 such as 1 or 0.5");
    }

    /** {@code 10s}, {@code 2m}, {@code 500ms} or ISO-8601 ({@code PT30S}). */
    static Duration grace(String text) {
        if (text == null) return DEFAULT_GRACE;
        Matcher m = SHORT_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                // below
            }
        }
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("infrastructure docker setting 'stopGrace' is '" + text
                    + "'; it takes a duration such as 10s, 2m or PT30S");
        }
        return d;
    }
}
