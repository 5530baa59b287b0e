package io.flowcore.engine;

import java.util.UUID;

/**
 * The main class of a run's own JVM (the process and docker infrastructures): opens the store named by the
 * environment ({@code FLOWCORE_HOME}, {@code FLOWCORE_DATABASE_URL}, …) and executes one claimed run under the
 * worker's claim, given as {@code --flow-run ID --claim-epoch N}; or, with {@code --crash-hooks}, runs the crash
 * hooks of a crashed run whose detecting engine did not have the flow's classes. Its run log lines go to the store only (the
 * worker copies this JVM's output into the run's log, which would store them twice). Exit code 0 once the run
 * ended (whatever its state), 2 for bad arguments, 1 when it could not be executed.
 */
public final class ChildRun {
    /** This class's name, which launchers run. */
    public static final String MAIN = ChildRun.class.getName();

    private ChildRun() {
    }

    public static void main(String[] args) {
        UUID id = null;
        long epoch = -1;
        boolean crashHooks = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--flow-run" -> id = i + 1 < args.length ? UUID.fromString(args[++i]) : null;
                case "--claim-epoch" -> epoch = i + 1 < args.length ? Long.parseLong(args[++i]) : -1;
                case "--crash-hooks" -> crashHooks = true;
                default -> {
                }
            }
        }
        if (id == null || (epoch < 0 && !crashHooks)) {
            System.err.println("usage: ChildRun --flow-run ID (--claim-epoch N | --crash-hooks)");
            System.exit(2);
        }
        boolean hooksOnly = crashHooks;
        int code;
        try (Flowcore fc = Flowcore.create(cfg -> cfg.environment(System.getenv()).notificationPolling(java.time.Duration.ZERO))) {
            if (hooksOnly) fc.engine().runCrashHooksForWorker(id);
            else fc.engine().executeForWorker(id, epoch);
            code = 0;
        } catch (Throwable t) {
            System.err.println("flowcore: the flow run's JVM failed: " + t);
            code = 1;
        }
        System.exit(code);
    }
}
