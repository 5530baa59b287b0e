package io.flowcore.engine;

import io.flowcore.engine.internal.run.WorkerLoop;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A worker (Prefect's agent): claims due runs of deployments from work queues and executes them in this
 * JVM, whose classpath must have their flow classes. Each run is claimed atomically in the store and
 * executed by exactly one worker, however many serve the same queues. Create it with
 * {@link Flowcore#worker(Consumer)}; close it before the engine.
 *
 * <pre>{@code
 * try (Worker w = fc.worker(o -> o.queues("taxi").limit(4)).start()) {
 *     ...
 * }
 * }</pre>
 */
public final class Worker implements AutoCloseable {
    private final WorkerLoop loop;
    /** Deletes old ended runs (FlowcoreConfig.retention); null when retention is off. */
    private final io.flowcore.engine.internal.schedule.Pruner pruner;

    Worker(WorkerLoop loop, io.flowcore.engine.internal.schedule.Pruner pruner) {
        this.loop = loop;
        this.pruner = pruner;
    }

    /** What a worker serves and how much it runs at once. */
    public static final class Options {
        private final Set<String> queues = new LinkedHashSet<>();
        private int limit = 4;
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private io.flowcore.engine.internal.schedule.Scheduler.Settings scheduling = io.flowcore.engine.internal.schedule.Scheduler.Settings.DEFAULT;
        private Duration schedulerInterval = Duration.ofSeconds(10);

        Options() {
        }

        /** Serve these work queues (default: every queue). */
        public Options queues(String... names) {
            for (String n : names) queues.add(Objects.requireNonNull(n, "queue"));
            return this;
        }

        /** Run at most {@code n} flow runs at once (default 4). */
        public Options limit(int n) {
            if (n < 1) throw new IllegalArgumentException("a worker's limit must be >= 1: " + n);
            this.limit = n;
            return this;
        }

        /** On SIGTERM, how long running runs get to finish before they end Crashed (default 30 s). */
        public Options shutdownGrace(Duration d) {
            if (d.isNegative()) throw new IllegalArgumentException("shutdownGrace must be >= 0: " + d);
            this.shutdownGrace = d;
            return this;
        }

        /**
         * How far ahead this worker's scheduler creates the runs of deployments' schedules: at least the next
         * {@code runs} of each and everything in the next {@code ahead} (default 3 and 1 hour).
         */
        public Options scheduleAhead(int runs, Duration ahead) {
            this.scheduling = new io.flowcore.engine.internal.schedule.Scheduler.Settings(runs, ahead);
            return this;
        }

        /** How often this worker runs a scheduler pass, on the engine's clock (default 10 s). */
        public Options schedulerInterval(Duration d) {
            if (!d.isPositive()) throw new IllegalArgumentException("schedulerInterval must be > 0: " + d);
            this.schedulerInterval = d;
            return this;
        }

        /** This worker only executes runs; others create the runs of schedules. */
        public Options noScheduler() {
            this.scheduling = null;
            return this;
        }

        /** How often to look for due runs when there were none (default 0.5 s). */
        public Options pollInterval(Duration d) {
            if (!d.isPositive()) throw new IllegalArgumentException("pollInterval must be > 0: " + d);
            this.pollInterval = d;
            return this;
        }
    }

    static Worker create(io.flowcore.engine.internal.run.Engine engine, Consumer<Options> settings, Duration retention) {
        Options o = new Options();
        settings.accept(o);
        var clock = new io.flowcore.engine.internal.run.DeploymentService(engine);
        // always a pruner: a deployment may have a retention of its own without the engine having one
        var pruner = new io.flowcore.engine.internal.schedule.Pruner(engine.store(), engine.resultStore(), clock::now,
                retention, io.flowcore.engine.internal.schedule.Pruner.DEFAULT_INTERVAL, o.pollInterval);
        return new Worker(new WorkerLoop(engine, o.queues, o.limit, o.pollInterval, o.shutdownGrace, o.scheduling,
                o.schedulerInterval), pruner);
    }

    /** Starts claiming and executing runs in the background; returns this worker. */
    public Worker start() {
        loop.start();
        if (pruner != null) pruner.start();
        return this;
    }

    /**
     * Executes what is due now, then returns when those runs have ended ({@code flowcore worker start --run-once}).
     *
     * @return how many runs it executed
     */
    public long runOnce() throws InterruptedException {
        if (pruner != null) pruner.pruneOnce();
        return loop.runOnce();
    }

    /** Runs this worker has executed to their end. */
    public long executed() {
        return loop.executedCount();
    }

    /** Stops claiming and waits up to {@code grace} for running runs; true when they all ended. */
    public boolean stop(Duration grace) throws InterruptedException {
        if (pruner != null) pruner.close();
        return loop.stop(grace);
    }

    /** {@link #stop} with a 30 s grace period. */
    @Override
    public void close() {
        if (pruner != null) pruner.close();
        loop.close();
    }
}
