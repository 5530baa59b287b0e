package io.flowcore.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where the flowcore home is: the folder holding the embedded database, results, journals and blocks when
 * no other place is configured. The one resolver used by the engine's defaults, the CLI and the examples.
 *
 * <p>In order, the first that is set and not blank:
 * <ol>
 *   <li>the environment variable {@value #ENV};</li>
 *   <li>the system property {@value #PROPERTY} (e.g. {@code -Dflowcore.home=/srv/flowcore}, for where the
 *       environment cannot be set);</li>
 *   <li>{@code .flowcore} in the user's home folder (system property {@code user.home}).</li>
 * </ol>
 */
public final class FlowcoreHome {
    /** The environment variable naming the flowcore home. */
    public static final String ENV = "FLOWCORE_HOME";
    /** The system property naming the flowcore home when {@value #ENV} is unset. */
    public static final String PROPERTY = "flowcore.home";

    private FlowcoreHome() {
    }

    /** The flowcore home for this process's environment and system properties. */
    public static Path resolve() {
        return resolve(System.getenv(), System.getProperties());
    }

    /**
     * The flowcore home for the given environment and system properties (see the class description).
     *
     * @throws IllegalStateException when neither is set and {@code properties} has no {@code user.home}
     */
    public static Path resolve(Map<String, String> env, Properties properties) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(properties, "properties");
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        String fromProperty = properties.getProperty(PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) return Path.of(fromProperty);
        String userHome = properties.getProperty("user.home");
        if (userHome == null || userHome.isBlank()) {
            throw new IllegalStateException("cannot tell where the flowcore home is: set " + ENV + " (or -D" + PROPERTY
                    + "), since the system property user.home is not set either");
        }
        return Path.of(userHome, ".flowcore");
    }
}
