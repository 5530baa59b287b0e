package io.flowcore.engine.internal.infra;

import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.spi.Launcher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The infrastructure types this JVM can start runs on: {@code in-process} (the worker itself), {@code process}
 * (built in) and every {@link Launcher} on the classpath (e.g. {@code docker} from flowcore-docker).
 */
public final class Launchers {
    private final Map<String, Launcher> byType = new LinkedHashMap<>();

    private Launchers() {
    }

    /** The built-in launchers and those {@link ServiceLoader} finds through {@code loader}. */
    public static Launchers load(ClassLoader loader) {
        Launchers l = new Launchers();
        l.add(new ProcessLauncher());
        for (Launcher found : ServiceLoader.load(Launcher.class, loader)) l.byType.putIfAbsent(found.type(), found);
        return l;
    }

    private void add(Launcher launcher) {
        byType.put(launcher.type(), launcher);
    }

    /**
     * The launcher for {@code spec}'s type, its settings checked.
     *
     * @throws IllegalArgumentException naming the type and the known ones when it does not exist here
     */
    public Launcher forSpec(Infrastructure spec) {
        Launcher l = byType.get(spec.type());
        if (l == null) {
            TreeSet<String> known = new TreeSet<>(byType.keySet());
            known.add(Infrastructure.IN_PROCESS);
            String hint = "docker".equals(spec.type()) ? " (add flowcore-docker to the classpath)" : "";
            throw new IllegalArgumentException("infrastructure type '" + spec.type() + "' does not exist" + hint
                    + "; known types: " + String.join(", ", known));
        }
        l.check(spec);
        return l;
    }

    /** Checks {@code spec} as {@link #forSpec} does; in-process takes no settings. */
    public void check(Infrastructure spec) {
        if (spec.isInProcess()) {
            if (!spec.settings().isEmpty()) {
                throw new IllegalArgumentException("infrastructure in-process takes no settings, got "
                        + spec.settings().keySet() + " (use type process for JVM options, environment and classpath)");
            }
            return;
        }
        forSpec(spec);
    }
}
