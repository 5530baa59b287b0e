package io.flowcore.cli;

import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowcore worker start}: claims due runs of deployments and executes them in this JVM (its
 * {@code --classpath} must have the flows). SIGTERM (Ctrl-C) stops claiming and lets running runs finish
 * for up to {@code --grace} seconds; what still runs then ends Crashed when the engine closes. Unless
 * {@code --no-scheduler}, it also creates the upcoming runs of deployments' schedules (with
 * {@code --run-once}: one pass before it runs what is due).
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run a worker.")
final class WorkerCommand extends Subcommand {
    @Command(name = "start", description = "Claim and execute runs from work queues.")
    int start(@Option(names = "--queue", paramLabel = "NAME", description = "A work queue to serve (repeatable; "
                      + "default: every queue).") List<String> queues,
              @Option(names = "--limit", defaultValue = "4", description = "Flow runs at once (default 4).") int limit,
              @Option(names = "--run-once", description = "Run what is due now, then exit.") boolean once,
              @Option(names = "--grace", defaultValue = "30", description = "Seconds running runs get to finish on "
                      + "shutdown (default 30).") int grace,
              @Option(names = "--no-scheduler", description = "Do not create the runs of deployments' schedules "
                      + "(other workers do).") boolean noScheduler,
              @Option(names = "--retention", paramLabel = "AGE", description = "Delete, hourly (and with --run-once "
                      + "before it runs), the runs that ended more than AGE ago, e.g. 90d, 12h or P90D (default: keep), and their "
                      + "results; a deployment's own retention decides for its runs.")
              String retention,
              @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve this worker's metrics in "
                      + "Prometheus' format at http://ADDRESS:PORT/metrics (default: none).") Integer metricsPort,
              @Option(names = "--metrics-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description =
                      "The address the metrics listen on (default 127.0.0.1; no authentication).") String metricsBind)
            throws InterruptedException {
        var out = out();
        java.time.Duration keep = retention == null ? null
                : io.flowcore.engine.DeploymentFiles.duration(retention, "--retention");
        var registry = metricsPort == null ? null : io.flowcore.server.PrometheusMetrics.registry();
        try (Flowcore fc = cli.engine(true, cfg -> {
            if (keep != null) cfg.retention(keep);
            if (registry != null) cfg.meterRegistry(registry);
        })) {
            com.sun.net.httpserver.HttpServer metrics = registry == null ? null
                    : io.flowcore.server.PrometheusMetrics.serve(registry, metricsBind, metricsPort);
            try {
                if (metrics != null) {
                    out.printf("worker: metrics at http://%s:%d/metrics%n", metricsBind, metrics.getAddress().getPort());
                }
                return run(fc, queues, limit, once, grace, noScheduler);
            } finally {
                if (metrics != null) metrics.stop(0);
            }
        }
    }

    private int run(Flowcore fc, List<String> queues, int limit, boolean once, int grace, boolean noScheduler)
            throws InterruptedException {
        var out = out();
        warnAboutUnknownQueues(fc, queues);
        Worker w = fc.worker(o -> {
            o.queues(queues == null ? new String[0] : queues.toArray(String[]::new))
                    .limit(limit).shutdownGrace(Duration.ofSeconds(grace));
            if (noScheduler) o.noScheduler();
        });
        if (once) {
            long n = w.runOnce();
            out.printf("worker: ran %d flow run%s%n", n, n == 1 ? "" : "s");
            return 0;
        }
        w.start();
        out.printf("worker: serving %s with up to %d runs at once; Ctrl-C to stop%n",
                queues == null || queues.isEmpty() ? "every queue" : queues, limit);
        out.flush();
        new CountDownLatch(1).await(); // until SIGTERM: the engine's shutdown stops the worker gracefully
        return 0;
    }

    /** A queue named by no deployment yet is served (one may come), but a typo should not wait silently. */
    private void warnAboutUnknownQueues(Flowcore fc, List<String> queues) {
        if (queues == null) return;
        for (String q : queues) {
            if (fc.workQueues().get(q).isEmpty()) {
                err().printf("worker: warning: there is no work queue '%s' yet (there are %s); its runs start once a "
                        + "deployment names it or 'flowcore work-queue create %s' creates it%n", q,
                        fc.workQueues().list().stream().map(io.flowcore.api.deployment.WorkQueue::name).toList(), q);
            }
        }
    }
}
