package io.flowcore.engine;

import java.util.UUID;

/**
 * The main class of a run's own JVM (the process and docker infrastructures): opens the store named by the
 * environment ({@code FLOWCORE_HOME}, {@code FLOWCORE_DATABASE_URL}, …) and executes one claimed run under the
 * worker's claim, given as {@code --flow-run ID --claim-epoch N}. Its run log lines go to the store only (the
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
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--flow-run" -> id = UUID.fromString(args[i + 1]);
                case "--claim-epoch" -> epoch = Long.parseLong(args[i + 1]);
                default -> {
                }
            }
        }
        if (id == null || epoch < 0) {
            System.err.println("usage: ChildRun --flow-run ID --claim-epoch N");
            System.exit(2);
        }
        int code;
        try (Flowcore fc = Flowcore.create(cfg -> cfg.environment(System.getenv()).notificationPolling(java.time.Duration.ZERO))) {
            fc.engineForTest().executeForWorker(id, epoch);
            code = 0;
        } catch (Throwable t) {
            System.err.println("flowcore: the flow run's JVM failed: " + t);
            code = 1;
        }
        System.exit(code);
    }
}
