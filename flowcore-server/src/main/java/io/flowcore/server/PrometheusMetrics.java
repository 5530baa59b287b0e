package io.flowcore.server;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Metrics in Prometheus' text format. Give an engine {@link #registry()} with
 * {@code FlowcoreConfig.meterRegistry(...)}; the server serves it at {@code /metrics} (with a read key), a worker
 * with {@link #serve} (what {@code flowcore worker start --metrics-port} does). The metrics are listed in
 * docs/metrics.md.
 */
public final class PrometheusMetrics {
    /** The content type of Prometheus' text format 0.0.4, which every Prometheus reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusMetrics() {
    }

    /** A new Prometheus registry with the JVM's memory, garbage collection, thread and CPU metrics bound. */
    public static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(r);
        new JvmGcMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        return r;
    }

    /** A registry for another workspace of a server: its engine's metrics only (the JVM's are in the default one's). */
    static PrometheusMeterRegistry workspaceRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** The Prometheus registry among {@code registry}, if it is one. */
    static Optional<PrometheusMeterRegistry> prometheus(Optional<MeterRegistry> registry) {
        return registry.filter(PrometheusMeterRegistry.class::isInstance).map(PrometheusMeterRegistry.class::cast);
    }

    /**
     * Serves {@code registry} at {@code http://<bind>:<port>/metrics} with the JDK's HTTP server, without
     * authentication: bind it to a loopback or a private address that only Prometheus reaches. Stop it with
     * {@code HttpServer.stop(0)}.
     *
     * @param port 0 picks a free port ({@code getAddress().getPort()} tells which)
     * @throws UncheckedIOException when the port is taken, naming it
     */
    public static HttpServer serve(PrometheusMeterRegistry registry, String bind, int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        http.setExecutor(null);
        http.start();
        return http;
    }
}
