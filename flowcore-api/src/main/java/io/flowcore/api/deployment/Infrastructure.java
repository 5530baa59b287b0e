package io.flowcore.api.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a deployment's runs execute once a worker claims them (Prefect's infrastructure blocks):
 * <ul>
 *   <li>{@code in-process} (the default): in the worker's JVM, whose classpath must hold the flow;</li>
 *   <li>{@code process}: one child JVM per run, with the deployment's classpath, JVM options, environment and
 *       working folder; settings {@code jvmOptions} (list), {@code env} (map), {@code workDir},
 *       {@code classpath} (list of jars or folders added to the worker's), {@code stopGrace} (e.g. {@code 10s});</li>
 *   <li>{@code docker}: one container per run; settings {@code image} (required), {@code env}, {@code volumes}
 *       ({@code host:container[:ro]}), {@code memory} (e.g. {@code 512m}), {@code cpus}, {@code network}
 *       ({@code host} or {@code none}), {@code stopGrace}.</li>
 * </ul>
 * Settings a type does not know are an error when the deployment is applied, naming the setting.
 *
 * <pre>{@code
 * Infrastructure.process().with("jvmOptions", List.of("-Xmx512m")).with("env", Map.of("TZ", "UTC"))
 * }</pre>
 *
 * @param type     {@code in-process}, {@code process} or {@code docker}
 * @param settings the type's settings (JSON-compatible values)
 */
public record Infrastructure(String type, Map<String, Object> settings) {
    /** The type that runs flows in the worker's own JVM. */
    public static final String IN_PROCESS = "in-process";

    public Infrastructure {
        Objects.requireNonNull(type, "infrastructure type");
        settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** Runs in the worker's JVM (the default). */
    public static Infrastructure inProcess() {
        return new Infrastructure(IN_PROCESS, Map.of());
    }

    /** One child JVM per run. */
    public static Infrastructure process() {
        return new Infrastructure("process", Map.of());
    }

    /** One container per run, from {@code image} (which must exist on the Docker engine: nothing is pulled). */
    public static Infrastructure docker(String image) {
        return new Infrastructure("docker", Map.of("image", image));
    }

    /** This infrastructure with setting {@code key} set to {@code value}. */
    public Infrastructure with(String key, Object value) {
        Map<String, Object> s = new LinkedHashMap<>(settings);
        s.put(key, value);
        return new Infrastructure(type, s);
    }

    /** True for the default: runs in the worker's JVM. */
    public boolean isInProcess() {
        return IN_PROCESS.equals(type);
    }

    /** Setting {@code key} as text, or null. */
    public String text(String key) {
        Object v = settings.get(key);
        return v == null ? null : v.toString();
    }

    /** Setting {@code key} as a list of texts (a single value is a list of one); empty when absent. */
    public List<String> list(String key) {
        Object v = settings.get(key);
        if (v == null) return List.of();
        if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
        return List.of(v.toString());
    }

    /** Setting {@code key} as a map of texts; empty when absent. */
    public Map<String, String> map(String key) {
        Object v = settings.get(key);
        if (!(v instanceof Map<?, ?> m)) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
        return out;
    }
}
