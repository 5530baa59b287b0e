package io.flowcore.engine.internal.run;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.Launcher;
import io.flowcore.engine.internal.infra.Launchers;
import java.util.List;
import java.util.Optional;

/*
 * Crash hooks are user code and run where the flow's code is. When the engine that marked a run Crashed does
 * not have the flow's classes (a worker whose runs execute in child JVMs or containers, with code kept in
 * storage), the hooks run in a short JVM of their own, started by the run's deployment's infrastructure with
 * the deployment's code: `ChildRun --crash-hooks --flow-run ID`. Its output goes into the run's log. A run of
 * an in-process deployment, or of none, has nowhere else to run them: the caller logs that they did not run.
 */
final class CrashHooksElsewhere {
    private CrashHooksElsewhere() {
    }

    /** True when a JVM was started for the hooks (they run in the background); false when there is nowhere to. */
    static boolean start(Engine engine, FlowRunRecord run) {
        Optional<DeploymentRecord> d = engine.deploymentOf(run.id());
        if (d.isEmpty() || d.get().infrastructure().isInProcess() || engine.childEnvironment == null) return false;
        DeploymentRecord deployment = d.get();
        Thread.ofVirtual().name("flowcore-crash-hooks-elsewhere").start(() -> {
            var log = engine.logs.forFlowRun(run.id(), run.name());
            try {
                Launcher launcher = Launchers.load(Thread.currentThread().getContextClassLoader())
                        .forSpec(deployment.infrastructure());
                Launcher.LaunchedRun child = launcher.launch(new Launcher.Launch(run, deployment,
                        deployment.infrastructure(), "io.flowcore.engine.ChildRun",
                        List.of("--crash-hooks", "--flow-run", run.id().toString()), engine.childEnvironment,
                        DelegatedRun.code(engine, deployment), (stderr, line) -> DelegatedRun.intoLog(log, stderr, line)));
                log.info("Running its crash hooks on infrastructure {} ({})", deployment.infrastructure().type(),
                        child.describe());
                Launcher.Exit exit = child.await();
                if (exit.code() != 0) log.warn("The JVM of its crash hooks exited with code {}", exit.code());
            } catch (Exception | LinkageError e) {
                log.warn("Its crash hooks could not be started on infrastructure {}: {}",
                        deployment.infrastructure().type(), Errors.describe(e));
            }
        });
        return true;
    }
}
