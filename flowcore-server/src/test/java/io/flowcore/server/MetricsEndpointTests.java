package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.flowcore.engine.Flowcore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics in Prometheus' format: the server's (per workspace, with a read key) and a worker's (PrometheusMetrics.serve). */
class MetricsEndpointTests {
    @TempDir
    Path home;

    /** The value of the one sample of {@code metric} whose labels include {@code label}, or -1 when there is none. */
    static double sample(String body, String metric, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) if (m.group(1).contains(label)) return Double.parseDouble(m.group(2));
        return -1;
    }

    @Test
    void theServerServesEachWorkspacesMetricsToItsReadKeysOnly() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO)
                .meterRegistry(PrometheusMetrics.registry()));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            server.workspaces().create("other");
            ApiKeys keys = new ApiKeys(fc.apiKeys(), InstantSource.system());
            String read = keys.create(Role.READ).key();
            String otherRead = keys.create("other", Role.READ).key();
            fc.execute(TestFlows.class, f -> f.etl(3, "metered"));
            fc.executeVoid(TestFlows.class, f -> f.boom("metered"));
            Http http = new Http(server.url());

            assertEquals(401, http.get("/metrics", null).status());
            Http.Response r = http.get("/metrics", read);
            assertEquals(200, r.status(), r.body());
            assertEquals(1.0, sample(r.body(), "flowcore_flow_run_states_total", "state=\"Completed\""), r.body());
            assertEquals(1.0, sample(r.body(), "flowcore_flow_run_states_total", "state=\"Failed\""));
            assertEquals(1.0, sample(r.body(), "flowcore_flow_runs", "state=\"Completed\""), "the store's gauge");
            assertEquals(0.0, sample(r.body(), "flowcore_flow_runs", "state=\"Late\""));
            assertTrue(sample(r.body(), "flowcore_task_run_duration_seconds_count", "type=\"COMPLETED\"") >= 1);
            assertTrue(r.body().contains("jvm_memory_used_bytes"), "the JVM's metrics are there too");
            assertTrue(r.body().matches("(?s).*\\nflowcore_engine_lease_renewals_total [1-9].*"), "the engine's lease was renewed");

            Http.Response other = http.get("/metrics", otherRead);
            assertEquals(200, other.status(), other.body());
            assertEquals(0.0, sample(other.body(), "flowcore_flow_runs", "state=\"Completed\""),
                    "another workspace's key sees its own store's counts: " + other.body());
            assertFalse(other.body().contains("flowcore_flow_run_states_total{state=\"Completed\""),
                    "nor the default workspace's engine counters");
        }
    }

    @Test
    void aServerWhoseEngineRecordsNoMetricsSaysHowToTurnThemOn() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            String read = new ApiKeys(fc.apiKeys(), InstantSource.system()).create(Role.READ).key();
            Http.Response r = new Http(server.url()).get("/metrics", read);
            assertEquals(404, r.status());
            assertTrue(r.body().contains("FlowcoreConfig.meterRegistry"), r.body());
        }
    }

    @Test
    void aWorkerServesItsRegistryOverPlainHttp() throws Exception {
        var registry = PrometheusMetrics.registry();
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO).meterRegistry(registry))) {
            fc.execute(TestFlows.class, f -> f.etl(2, "worker"));
            HttpServer http = PrometheusMetrics.serve(registry, "127.0.0.1", 0);
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + http.getAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(PrometheusMetrics.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
                assertEquals(1.0, sample(r.body(), "flowcore_flow_run_states_total", "state=\"Completed\""), r.body());
            } finally {
                http.stop(0);
            }
        }
    }
}
