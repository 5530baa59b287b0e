package io.flowcore.api.spi;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Starts a claimed flow run outside the worker's JVM, for one {@link Infrastructure#type() infrastructure
 * type} ({@code process}, {@code docker}; a Kubernetes Job could be another). Found with
 * {@link java.util.ServiceLoader}, so a new type needs no change to workers.
 *
 * <p>A launcher runs a JVM with {@link Launch#mainClass()} and {@link Launch#args()}, the flowcore runtime and
 * {@link Launch#codeJars()} on its classpath and {@link Launch#environment()} set: that JVM opens the same store
 * and executes the run under the worker's claim, reporting its states itself. The worker streams its output
 * into the run's log, forwards a cancellation as {@link LaunchedRun#stop}, and ends the run Crashed when the
 * JVM exits before the run reached a final state.
 */
public interface Launcher {
    /** The infrastructure type this launcher starts, e.g. {@code process}. */
    String type();

    /**
     * Checks a deployment's settings when it is applied.
     *
     * @throws IllegalArgumentException naming the setting that is unknown or wrong, and how to fix it
     */
    void check(Infrastructure spec);

    /**
     * Starts the run; returns once it has started (or throws, naming what could not be started).
     *
     * @throws IOException              when the process or container could not be started
     * @throws IllegalArgumentException when the deployment's settings do not work here (e.g. an image that is not present)
     */
    LaunchedRun launch(Launch launch) throws IOException;

    /**
     * What to start.
     *
     * @param run         the claimed run
     * @param deployment  the deployment version the run belongs to
     * @param spec        the deployment's infrastructure
     * @param mainClass   the class to run in the new JVM
     * @param args        its arguments
     * @param environment variables the new JVM needs to open the store (the deployment's own come from {@code spec})
     * @param codeJars    the deployment's code, downloaded and verified (empty: the launcher's own classpath has it)
     * @param output      receives each line the new JVM writes: {@code (true, line)} for stderr, {@code (false, line)} for stdout
     */
    record Launch(FlowRunRecord run, DeploymentRecord deployment, Infrastructure spec, String mainClass,
                  List<String> args, Map<String, String> environment, List<Path> codeJars,
                  BiConsumer<Boolean, String> output) {
        public Launch {
            args = List.copyOf(args);
            environment = Map.copyOf(environment);
            codeJars = List.copyOf(codeJars);
        }
    }

    /** A started run's process or container. */
    interface LaunchedRun {
        /** For logs: {@code pid 1234}, {@code container 3f2a9c}. */
        String describe();

        /** Asks it to stop (SIGTERM), and kills it (SIGKILL) when it has not exited after {@code grace}; does not wait. */
        void stop(Duration grace);

        /** Waits for it to exit; its output has been delivered when this returns. */
        Exit await() throws InterruptedException;
    }

    /**
     * How a run's JVM ended.
     *
     * @param code   its exit code (137: SIGKILL)
     * @param reason why, when the infrastructure knows more than the code (e.g. killed for using too much memory); else null
     */
    record Exit(int code, String reason) {
    }
}
