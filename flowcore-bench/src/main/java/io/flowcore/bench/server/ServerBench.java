package io.flowcore.bench.server;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.StateStores;
import io.flowcore.server.FlowcoreServer;
import io.flowcore.server.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The server with a big store: fills it with 100,000 flow runs (80% Completed, 10% Failed, 5% Cancelled, 5%
 * Scheduled, over 30 days), then times, over loopback HTTP, the runs page (first page, filtered by Failed,
 * searched by name, and a page deep in the list by cursor) and the API's run detail. Each figure is the time
 * from sending the request to having read the whole response, so it holds the server's time plus loopback;
 * targets: the runs page p99 ≤ 100 ms, the detail p99 ≤ 50 ms.
 *
 * <p>Usage: {@code ./flowcore-bench/run.sh server [runs] [sqlite|postgresql|both]} (defaults 100000, and
 * both when {@code FLOWCORE_PG_URL} is set).
 */
public final class ServerBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServerBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String pg = System.getenv("FLOWCORE_PG_URL");
        String which = args.length > 1 ? args[1] : (pg == null ? "sqlite" : "both");
        System.out.printf("server benchmark: %,d flow runs in the store; times over loopback HTTP (p50 / p99)%n", runs);
        if (which.equals("sqlite") || which.equals("both")) sqlite(runs);
        if (which.equals("postgresql") || which.equals("both")) {
            if (pg == null) throw new IllegalArgumentException("set FLOWCORE_PG_URL for the PostgreSQL figures");
            postgres(pg, runs);
        }
    }

    private static void sqlite(int runs) throws Exception {
        Path home = Files.createTempDirectory("flowcore-server-bench");
        try (StateStore store = StateStores.sqlite(home.resolve("flowcore.db"))) {
            fill(store, runs);
        }
        measure("sqlite", cfg -> cfg.home(home));
    }

    private static void postgres(String url, int runs) throws Exception {
        String user = env("FLOWCORE_PG_USER", "flowcore");
        String password = env("FLOWCORE_PG_PASSWORD", "flowcore");
        String schema = "server_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path home = Files.createTempDirectory("flowcore-server-bench-pg");
        try {
            try (StateStore store = StateStores.jdbc(schemaUrl, user, password, home.resolve("journal"))) {
                fill(store, runs);
            }
            measure("postgresql", cfg -> cfg.home(home).database(schemaUrl, user, password));
        } finally {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void fill(StateStore store, int runs) {
        long t0 = System.nanoTime();
        Random random = new Random(42);
        Instant start = Instant.now().minus(Duration.ofDays(30));
        long step = Duration.ofDays(30).toNanos() / runs;
        for (int i = 0; i < runs; i++) {
            Instant created = start.plusNanos(step * i);
            int r = random.nextInt(100);
            // no Running runs: the server's engine would mark them Crashed, as their engine holds no lease
            StateType type = r < 80 ? StateType.COMPLETED : r < 90 ? StateType.FAILED : r < 95 ? StateType.CANCELLED
                    : StateType.SCHEDULED;
            State s = new State(type, name(type), created.plusSeconds(random.nextInt(600)),
                    type == StateType.FAILED ? "IllegalStateException: boom" : null,
                    type == StateType.SCHEDULED ? created : null);
            store.insertFlowRun(new FlowRunRecord(UUID.randomUUID(), "run-" + i, "etl-" + (i % 20), "com.example.Etl",
                    "run", "{\"month\":" + (1 + i % 12) + "}", null, null, null, s, created));
        }
        store.flush();
        System.out.printf("  filled %,d runs in %.1f s%n", runs, (System.nanoTime() - t0) / 1e9);
    }

    private static String name(StateType t) {
        String n = t.name().toLowerCase();
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    private static void measure(String label, Consumer<io.flowcore.engine.FlowcoreConfig> cfg) throws Exception {
        try (Flowcore fc = Flowcore.create(c -> {
            cfg.accept(c);
            c.notificationPolling(Duration.ZERO);
        });
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0).withAuth(false))) {
            String base = server.url();
            List<FlowRunRecord> sample = fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().limit(200));
            String deepCursor = cursorAfter(base, 20); // 20 pages of 200 in: keyset pages cost the same at any depth
            report(label, "runs page, first 50", base, List.of("/runs"), 300);
            report(label, "runs page, state=Failed", base, List.of("/runs?state=Failed"), 200);
            // names are run-0 (oldest) to run-99999 (newest). A rare name (11 runs) comes through the name index; a
            // common one among the newest runs (run-99: 1,111) from the newest runs; the worst case is a common name
            // that no newer run has (run-1: 11,111 runs, none of the newest 80,000): every match is read and sorted
            report(label, "runs page, name search, 11 runs", base, List.of("/runs?name=run-9999"), 100);
            report(label, "runs page, name search, newest", base, List.of("/runs?name=run-99"), 100);
            report(label, "runs page, name search, worst", base, List.of("/runs?name=run-1"), 100);
            report(label, "runs page, 4,000 runs deep", base, List.of("/runs?cursor=" + deepCursor), 200);
            report(label, "API runs list, 200", base, List.of("/api/flow-runs?limit=200"), 200);
            List<String> details = new ArrayList<>();
            for (FlowRunRecord r : sample) details.add("/api/flow-runs/" + r.id());
            report(label, "API run detail", base, details, 500);
        }
    }

    private static String cursorAfter(String base, int pages) throws Exception {
        String cursor = "";
        for (int i = 0; i < pages; i++) {
            String body = get(base + "/api/flow-runs?limit=200" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            int at = body.lastIndexOf("\"nextCursor\":\"");
            cursor = body.substring(at + 14, body.indexOf('"', at + 14));
        }
        return cursor;
    }

    private static void report(String store, String what, String base, List<String> paths, int n) throws Exception {
        for (int i = 0; i < 30; i++) get(base + paths.get(i % paths.size())); // warm-up
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            get(base + paths.get(i % paths.size()));
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        System.out.printf("  %-10s %-30s p50 %6.1f ms   p99 %6.1f ms   (%d requests)%n", store, what,
                nanos[n / 2] / 1e6, nanos[(int) Math.ceil(n * 0.99) - 1] / 1e6, n);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
