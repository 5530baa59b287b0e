package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.FlowcoreConfig;
import io.flowcore.engine.TestBlocks;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workspaces on one server, on SQLite and PostgreSQL: a key of one workspace reaches nothing of another
 * through any route (the routes are taken from the server's own list, so a new one cannot be forgotten).
 */
@DisplayName("workspaces")
class WorkspaceIsolationTests {
    /** Routes that need no key: they show nothing of any workspace's runs, deployments, queues, blocks or rules. */
    private static final Set<String> PUBLIC = Set.of("GET /", "GET /api/health", "GET /api/openapi.json", "GET /login",
            "POST /login", "GET /static/app.css", "GET /static/app.js");

    @TempDir
    Path home;

    /** A store of kind {@code kind} under the test's home, with PostgreSQL schemas dropped at the end. */
    private final class Store implements AutoCloseable {
        final TestInfra.PgSchema schema;

        Store(String kind) {
            schema = kind.equals("postgresql") ? TestInfra.PgSchema.create("wsi") : null;
        }

        Consumer<FlowcoreConfig> settings() {
            return cfg -> {
                cfg.home(home).notificationPolling(Duration.ZERO);
                if (schema != null) cfg.database(schema.url(), schema.pg().user(), schema.pg().password());
            };
        }

        Connection connect() throws java.sql.SQLException {
            return schema == null ? DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"))
                    : DriverManager.getConnection(schema.url(), schema.pg().user(), schema.pg().password());
        }

        @Override
        public void close() throws Exception {
            if (schema == null) return;
            try (Connection c = DriverManager.getConnection(schema.pg().url(), schema.pg().user(), schema.pg().password())) {
                for (String ws : List.of("alpha", "beta")) {
                    c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema.name() + "_ws_" + ws + " CASCADE");
                }
            }
            schema.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aKeyOfOneWorkspaceCanNeitherReadNorChangeAnythingOfAnotherThroughAnyRoute(String kind) throws Exception {
        try (Store store = new Store(kind);
             Flowcore fc = Flowcore.create(store.settings().andThen(cfg -> cfg.meterRegistry(PrometheusMetrics.registry())));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            server.workspaces().create("alpha");
            server.workspaces().create("beta");
            ApiKeys keys = new ApiKeys(fc.apiKeys(), InstantSource.system());
            String aKey = keys.create("alpha", Role.ADMIN).key();
            String bKey = keys.create("beta", Role.ADMIN).key();
            Flowcore a = server.workspaces().engine("alpha");
            Flowcore b = server.workspaces().engine("beta");

            UUID completed = a.execute(TestFlows.class, f -> f.etl(3, "alpha-log-line")).id();
            UUID failed = a.executeVoid(TestFlows.class, f -> f.boom("x")).id();
            a.workQueues().create("alpha-queue", null, 0, "");
            a.deployments().apply(Deployment.of(TestFlows.class, "etl", "alpha-deploy").withWorkQueue("alpha-queue")
                    .withParameters(Map.of("month", 1, "label", "alpha-default")));
            UUID scheduled = a.deployments().run("etl/alpha-deploy", Map.of()).id();
            a.blocks().save("alpha-block", new TestBlocks.TestDatabase("jdbc:alpha", "alpha-user", Secret.of("pw"),
                    Secret.of("tok")), true);
            a.notifications().save(NotificationRule.of("alpha-rule", "ops", "Failed"));
            List<String> markers = List.of(completed.toString(), failed.toString(), scheduled.toString(), "alpha-deploy",
                    "alpha-queue", "alpha-block", "alpha-rule", "alpha-log-line");
            int runsOfA = a.history().flowRuns(FlowRunQuery.all()).size();

            Http http = new Http(server.url());
            List<String> walked = new ArrayList<>();
            for (Router.Route r : server.routes()) {
                String route = r.method() + " " + r.path();
                if (r.role() == null) {
                    assertTrue(PUBLIC.contains(route), route + " needs no key: add it to PUBLIC only if it shows no "
                            + "workspace's data");
                    continue;
                }
                String path = path(r.path(), completed, failed, scheduled);
                Http.Response byB = call(http, r.method(), path, bKey, completed);
                if (r.path().startsWith("/api/engine/call/")) { // a call of beta's own store, which has no such run
                    assertEquals(200, byB.status(), route + ": " + byB.body());
                    assertEquals("null", byB.body(), route);
                } else if (r.path().contains("{")) {
                    assertEquals(404, byB.status(), route + " with a key of another workspace: " + byB.body());
                } else if (r.method().equals("POST")) { // a form of its own workspace, empty: at most a 400
                    assertTrue(byB.status() <= 400, route + ": " + byB.status() + " " + byB.body());
                } else {
                    assertTrue(byB.status() < 400, route + ": " + byB.status() + " " + byB.body());
                }
                for (String m : markers) { // a 404 names what was asked for: only what the path did not say counts
                    if (!path.contains(m)) assertFalse(byB.body().contains(m), route + " showed " + m + " to beta");
                }
                walked.add(route);
            }
            assertEquals(StateType.SCHEDULED, a.history().flowRun(scheduled).orElseThrow().state().type());
            assertEquals(runsOfA, a.history().flowRuns(FlowRunQuery.all()).size());
            assertEquals(List.of(), b.history().flowRuns(FlowRunQuery.all()));

            StringBuilder seenByA = new StringBuilder();
            for (Router.Route r : server.routes()) {
                if (r.role() == null) continue;
                Http.Response byA = call(http, r.method(), path(r.path(), completed, failed, scheduled), aKey, completed);
                String route = r.method() + " " + r.path();
                assertFalse(Set.of(401, 403, 404).contains(byA.status()) || byA.status() >= 500,
                        route + " with the owner's key: " + byA.status() + " " + byA.body());
                seenByA.append(byA.body());
            }
            for (String m : markers) assertTrue(seenByA.toString().contains(m), "the owner never saw " + m);
            assertEquals(StateType.CANCELLED, a.history().flowRun(scheduled).orElseThrow().state().type());
            assertTrue(walked.size() >= 20, walked.toString());

            // a deployment applied over HTTP goes into the key's workspace only, even under a name another one uses
            String alphaDeploy = "{\"name\": \"alpha-deploy\", \"flowClass\": \"" + TestFlows.class.getName()
                    + "\", \"flowMethod\": \"etl\", \"workQueue\": \"beta-queue\"}";
            Http.Response made = http.post("/api/deployments", bKey, alphaDeploy);
            assertEquals(201, made.status(), made.body());
            assertEquals(1, made.json().path("version").asInt(), "beta's first version, whatever alpha has");
            assertEquals("beta-queue", b.deployments().get("etl/alpha-deploy").orElseThrow().workQueue());
            assertEquals("alpha-queue", a.deployments().get("etl/alpha-deploy").orElseThrow().workQueue());
            assertEquals(1, a.deployments().versions("etl/alpha-deploy").size());
            assertTrue(fc.deployments().get("etl/alpha-deploy").isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void rowsAndKeysThatExistedBeforeTheFirstWorkspaceBelongToDefault(String kind) throws Exception {
        try (Store store = new Store(kind);
             Flowcore fc = Flowcore.create(store.settings());
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            UUID old = fc.execute(TestFlows.class, f -> f.tiny(1)).id();
            ApiKeys keys = new ApiKeys(fc.apiKeys(), InstantSource.system());
            String before = keys.create(Role.READ).key();
            try (Connection c = store.connect()) { // a key row as a flowcore without workspaces wrote it
                c.createStatement().execute("INSERT INTO api_keys (id, role, salt, hash, created_at) "
                        + "VALUES ('00000000000000aa', 'read', 'c2FsdA==', 'aGFzaA==', 0)");
            }
            assertEquals(List.of("default"), server.workspaces().names());

            server.workspaces().create("alpha");
            String alphaKey = keys.create("alpha", Role.READ).key();
            assertEquals(List.of("default", "alpha"), server.workspaces().names());
            assertEquals("default", fc.apiKeys().apiKey("00000000000000aa").orElseThrow().workspace());

            Http http = new Http(server.url());
            assertTrue(http.get("/api/flow-runs", before).body().contains(old.toString()));
            assertEquals(200, http.get("/api/flow-runs/" + old, before).status());
            assertEquals(0, http.get("/api/flow-runs", alphaKey).json().path("items").size());
            assertEquals(404, http.get("/api/flow-runs/" + old, alphaKey).status());
            assertEquals(List.of(), server.workspaces().engine("alpha").history().flowRuns(FlowRunQuery.all()));

            // the registry is refused a second workspace of a name, and keys of a workspace that does not exist
            assertThrows(IllegalArgumentException.class, () -> server.workspaces().create("alpha"));
            assertThrows(IllegalArgumentException.class, () -> server.workspaces().create("default"));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> keys.create("gamma", Role.READ));
            assertTrue(unknown.getMessage().contains("workspace create gamma"), unknown.getMessage());
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> server.workspaces().create("Bad_Name"));
            assertTrue(bad.getMessage().contains("[a-z][a-z0-9-]{0,39}"), bad.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eachWorkspaceHasItsOwnBlocksUnderItsOwnKeyAndEnginesOfAWorkspaceShareItsStore(String kind) throws Exception {
        try (Store store = new Store(kind);
             Flowcore fc = Flowcore.create(store.settings());
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            server.workspaces().create("alpha");
            server.workspaces().create("beta");
            Flowcore a = server.workspaces().engine("alpha");
            Flowcore b = server.workspaces().engine("beta");
            a.blocks().save("warehouse", db("alpha-user"), true);
            b.blocks().save("warehouse", db("beta-user"), true); // names are unique within a workspace only
            a.blocks().save("only-alpha", db("x"), true);
            fc.blocks().save("only-default", db("y"), true);

            assertEquals("alpha-user", a.blocks().load("warehouse", TestBlocks.TestDatabase.class).user());
            assertEquals("beta-user", b.blocks().load("warehouse", TestBlocks.TestDatabase.class).user());
            assertThrows(BlockException.class, () -> b.blocks().load("only-alpha"));
            assertEquals(Set.of("warehouse"), b.blocks().list().keySet());
            assertEquals(Set.of("only-default"), fc.blocks().list().keySet());
            String alphaKey = Files.readString(home.resolve("workspaces/alpha/blocks.key"));
            String betaKey = Files.readString(home.resolve("workspaces/beta/blocks.key"));
            assertNotEquals(alphaKey, betaKey);
            assertNotEquals(Files.readString(home.resolve("blocks.key")), alphaKey);

            // a worker or engine of workspace alpha opens alpha's store directly
            UUID run = a.execute(TestFlows.class, f -> f.tiny(7)).id();
            try (Flowcore worker = Flowcore.create(store.settings().andThen(cfg -> cfg.workspace("alpha")))) {
                assertEquals("alpha", worker.workspace());
                assertTrue(worker.history().flowRun(run).isPresent());
                assertEquals("alpha-user", worker.blocks().load("warehouse", TestBlocks.TestDatabase.class).user());
            }
            assertTrue(fc.history().flowRun(run).isEmpty());
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> Flowcore.create(store.settings().andThen(cfg -> cfg.workspace("gamma"))));
            assertTrue(missing.getMessage().contains("flowcore server workspace create gamma"), missing.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aWorkspaceRenamedKeepsItsRunsBlocksAndKeysAndOneDeletedTakesEverythingWithIt(String kind) throws Exception {
        try (Store store = new Store(kind);
             Flowcore fc = Flowcore.create(store.settings());
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
             var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            Workspaces ws = server.workspaces();
            ws.create("alpha");
            Flowcore a = ws.engine("alpha");
            a.blocks().save("warehouse", db("alpha-user"), true);
            UUID run = a.execute(TestFlows.class, f -> f.tiny(7)).id();
            ApiKeys keys = new ApiKeys(fc.apiKeys(), InstantSource.system());
            String key = keys.create("alpha", Role.READ).key();
            Http http = new Http(server.url());

            // a run in progress: neither rename nor delete cuts it off
            TestFlows.heldStarted = new java.util.concurrent.CountDownLatch(1);
            var held = exec.submit(() -> a.executeVoid(TestFlows.class, TestFlows::held));
            assertTrue(TestFlows.heldStarted.await(30, java.util.concurrent.TimeUnit.SECONDS));
            IllegalStateException busy = assertThrows(IllegalStateException.class, () -> ws.rename("alpha", "beta"));
            assertTrue(busy.getMessage().contains("while its runs are in progress (flow run '"), busy.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.delete("alpha"));
            UUID heldId = a.history().flowRuns(FlowRunQuery.all().flow("held").inStates(StateType.RUNNING)).getFirst().id();
            assertTrue(a.cancel(heldId));
            assertEquals(StateType.CANCELLED, held.get(30, java.util.concurrent.TimeUnit.SECONDS).state().type());

            assertThrows(IllegalArgumentException.class, () -> ws.rename("alpha", "default"));
            assertThrows(IllegalArgumentException.class, () -> ws.rename("default", "gamma"));
            ws.rename("alpha", "beta");
            assertEquals(List.of("default", "beta"), ws.names());
            Flowcore b = ws.engine("beta");
            assertTrue(b.history().flowRun(run).isPresent(), "its runs went with it");
            assertEquals("alpha-user", b.blocks().load("warehouse", TestBlocks.TestDatabase.class).user(),
                    "its blocks and their key went with it");
            assertEquals(200, http.get("/api/flow-runs/" + run, key).status(), "its keys reach it under the new name");
            assertThrows(IllegalArgumentException.class, () -> ws.engine("alpha"));
            assertThrows(IllegalStateException.class, () -> Flowcore.create(store.settings().andThen(c -> c.workspace("alpha"))));

            assertThrows(IllegalArgumentException.class, () -> ws.delete("default"));
            ws.delete("beta");
            assertEquals(List.of("default"), ws.names());
            assertEquals(401, http.get("/api/flow-runs/" + run, key).status(), "its keys are revoked");
            assertFalse(Files.exists(home.resolve("workspaces/beta")), "its folder and blocks key are gone");
            if (store.schema != null) {
                try (Connection c = store.connect(); var q = c.prepareStatement(
                        "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE ?")) {
                    q.setString(1, store.schema.name() + "_ws_%");
                    try (var rs = q.executeQuery()) {
                        rs.next();
                        assertEquals(0, rs.getInt(1), "its schema is dropped");
                    }
                }
            }
            // the name can be used again, for an empty workspace
            ws.create("beta");
            assertTrue(ws.engine("beta").history().flowRun(run).isEmpty());
            assertTrue(ws.engine("beta").blocks().list().isEmpty());
        }
    }

    private static TestBlocks.TestDatabase db(String user) {
        return new TestBlocks.TestDatabase("jdbc:x", user, Secret.of("pw-" + user), Secret.of("tok"));
    }

    private static Http.Response call(Http http, String method, String path, String key, UUID run) {
        if (path.startsWith("/api/engine/call/")) return http.post(path, key, "[\"" + run + "\"]");
        return method.equals("GET") ? http.get(path, key) : http.post(path, key, "{}");
    }

    /** The route's path with the objects of the owning workspace in place of its parameters. */
    private static String path(String route, UUID completed, UUID failed, UUID scheduled) {
        UUID id = route.endsWith("/cancel") ? scheduled : route.endsWith("/retry") ? failed : completed;
        if (route.startsWith("/api/engine/call/")) return route.replace("{name}", "flowRun");
        return route.replace("{id}", id.toString()).replace("{flow}", "etl")
                .replace("{name}", route.startsWith("/api/blocks") || route.startsWith("/blocks") ? "alpha-block"
                        : route.startsWith("/api/notification-rules") || route.startsWith("/notifications") ? "alpha-rule"
                        : route.startsWith("/api/work-queues") || route.startsWith("/work-queues") ? "alpha-queue"
                        : "alpha-deploy");
    }
}
