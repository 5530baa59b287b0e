package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.block.Secret;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.TestBlocks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API on a SQLite store, with authentication, through real HTTP. */
@DisplayName("server API")
class ServerApiTests {
    @TempDir
    static Path home;
    static Flowcore fc;
    static FlowcoreServer server;
    static Http http;
    static String readKey;
    static String runKey;
    static String adminKey;
    static FlowRunRecord etlRun;
    static FlowRunRecord failedRun;

    @BeforeAll
    static void start() {
        fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
        server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
        http = new Http(server.url());
        ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
        readKey = keys.create(Role.READ).key();
        runKey = keys.create(Role.RUN).key();
        adminKey = keys.create(Role.ADMIN).key();
        FlowRun<String> etl = fc.execute(TestFlows.class, f -> f.etl(3, "first"));
        etlRun = fc.history().flowRun(etl.id()).orElseThrow();
        failedRun = fc.history().flowRun(fc.executeVoid(TestFlows.class, f -> f.boom("x")).id()).orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
        fc.close();
    }

    @Test
    void refusesACallWithoutAKeyWithAWrongKeyOrARevokedKey() {
        assertEquals(401, http.get("/api/flow-runs", null).status());
        assertEquals(401, http.get("/api/flow-runs", "fck_0123456789abcdef.wrong").status());
        assertEquals(401, http.get("/api/flow-runs", readKey + "x").status());
        assertEquals(401, http.get("/api/flow-runs", "not-even-a-key").status());
        ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
        ApiKeys.Created revoked = keys.create(Role.ADMIN);
        assertEquals(200, http.get("/api/flow-runs", revoked.key()).status());
        assertTrue(keys.revoke(revoked.id()));
        assertEquals(401, http.get("/api/flow-runs", revoked.key()).status());
        assertEquals(200, http.get("/api/health", null).status()); // health is public
    }

    @Test
    void aReadKeyMayLookButNotCancelRetryOrStartRuns() {
        assertEquals(200, http.get("/api/flow-runs/" + etlRun.id(), readKey).status());
        Http.Response cancel = http.post("/api/flow-runs/" + etlRun.id() + "/cancel", readKey, "{}");
        assertEquals(403, cancel.status());
        assertTrue(cancel.json().path("error").asText().contains("run role"), cancel.body());
        assertEquals(403, http.post("/api/flow-runs/" + failedRun.id() + "/retry", readKey, "{}").status());
        assertEquals(403, http.post("/api/deployments/etl/x/runs", readKey, "{}").status());
    }

    @Test
    void showsARunWithParametersStateHistoryTaskRunsGraphAndLogs() {
        JsonNode run = http.get("/api/flow-runs/" + etlRun.id(), readKey).json();
        assertEquals("etl", run.path("flow").asText());
        assertEquals(3, run.path("parameters").path("month").asInt());
        assertEquals("COMPLETED", run.path("state").path("type").asText());
        List<String> history = new ArrayList<>();
        run.path("stateHistory").forEach(s -> history.add(s.path("name").asText()));
        assertEquals(List.of("Pending", "Running", "Completed"), history);

        JsonNode tasks = http.get("/api/flow-runs/" + etlRun.id() + "/task-runs", readKey).json();
        assertEquals(3, tasks.size());
        JsonNode graph = http.get("/api/flow-runs/" + etlRun.id() + "/graph", readKey).json();
        assertEquals(3, graph.path("nodes").size());
        assertEquals(2, graph.path("edges").size()); // both fetches feed the join

        JsonNode logs = http.get("/api/flow-runs/" + etlRun.id() + "/logs?limit=1", readKey).json();
        assertEquals(1, logs.path("items").size());
        assertEquals(1, logs.path("nextOffset").asInt());
        JsonNode all = http.get("/api/flow-runs/" + etlRun.id() + "/logs", readKey).json();
        int lines = all.path("items").size();
        assertTrue(lines >= 3, all.toString());
        assertTrue(all.path("nextOffset").isNull(), "one page holds them all: " + all);
        JsonNode second = http.get("/api/flow-runs/" + etlRun.id() + "/logs?offset=1&limit=1", readKey).json();
        assertEquals(all.path("items").get(1), second.path("items").get(0), "a page starts at its offset");
        assertEquals(2, second.path("nextOffset").asInt());
        JsonNode last = http.get("/api/flow-runs/" + etlRun.id() + "/logs?offset=" + (lines - 1) + "&limit=5", readKey).json();
        assertEquals(1, last.path("items").size());
        assertTrue(last.path("nextOffset").isNull(), last.toString());
        assertTrue(all.path("items").toString().contains("label: first"), all.toString());
        assertEquals(404, http.get("/api/flow-runs/" + UUID.randomUUID(), readKey).status());
        assertEquals(400, http.get("/api/flow-runs/not-a-uuid", readKey).status());
    }

    @Test
    void filtersRunsByFlowAndStateAndTreatsSqlInAFilterAsText() {
        JsonNode failed = http.get("/api/flow-runs?state=Failed", readKey).json().path("items");
        assertTrue(failed.size() >= 1);
        failed.forEach(r -> assertEquals("FAILED", r.path("state").path("type").asText()));
        JsonNode etl = http.get("/api/flow-runs?flow=etl&state=completed", readKey).json().path("items");
        etl.forEach(r -> assertEquals("etl", r.path("flow").asText()));
        assertTrue(etl.size() >= 1);

        for (String hostile : List.of("etl' OR '1'='1", "x'); DROP TABLE flow_runs; --", "%", "_")) {
            String q = java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8);
            Http.Response r = http.get("/api/flow-runs?flow=" + q + "&name=" + q + "&state=" + q + "&tag=" + q
                    + "&deployment=" + q, readKey);
            assertEquals(200, r.status(), r.body());
            assertEquals(0, r.json().path("items").size(), hostile);
        }
        assertTrue(http.get("/api/flow-runs", readKey).json().path("items").size() >= 2); // the table is still there
        assertEquals(400, http.get("/api/flow-runs?created_after=yesterday", readKey).status());
        assertTrue(http.get("/api/flow-runs?limit=abc", readKey).json().path("error").asText().contains("limit"));
        assertEquals(400, http.get("/api/flow-runs?cursor=garbage", readKey).status());
    }

    @Test
    void capsThePageSizeAndPagesWithACursorWithoutGapsOrRepeats() {
        for (int i = 0; i < 205; i++) {
            int n = i;
            fc.execute(TestFlows.class, f -> f.tiny(n));
        }
        JsonNode first = http.get("/api/flow-runs?limit=1000000000", readKey).json();
        assertEquals(RunFilter.MAX_PAGE, first.path("items").size());
        Set<String> seen = new HashSet<>();
        first.path("items").forEach(r -> seen.add(r.path("id").asText()));
        String cursor = first.path("nextCursor").asText();
        JsonNode second = http.get("/api/flow-runs?limit=1000000000&cursor=" + cursor, readKey).json();
        second.path("items").forEach(r -> assertTrue(seen.add(r.path("id").asText()), "repeated " + r));
        assertEquals(fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().limit(100_000)).size(), seen.size());
        assertTrue(second.path("nextCursor").isNull());
    }

    @Test
    void backfillsADeploymentsScheduleOverDaysWithAPreviewAndCreatesEachRunOnce() {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "daily")
                .withParameters(Map.of("month", "{{ interval.start.month }}", "label", "daily"))
                .withSchedules(io.flowcore.api.deployment.Schedule.cron("0 5 * * *")));
        String days = "\"from\": \"2021-01-01\", \"to\": \"2021-01-03\"";
        Http.Response preview = http.post("/api/deployments/etl/daily/backfill", runKey, "{" + days + ", \"dryRun\": true}");
        assertEquals(200, preview.status(), preview.body());
        assertEquals(3, preview.json().path("instants").asInt());
        assertEquals(0, preview.json().path("created").asInt());
        JsonNode first = preview.json().path("runs").get(0);
        assertEquals("2021-01-01T05:00:00Z", first.path("instant").asText());
        assertEquals(12, first.path("parameters").path("month").asInt(), "the run on 1 January covers 31 December");
        assertEquals(1, preview.json().path("runs").get(1).path("parameters").path("month").asInt());
        assertEquals(0, in2021(http.get("/api/flow-runs?deployment=etl/daily", readKey).json().path("items")).size(), "a preview");

        Http.Response created = http.post("/api/deployments/etl/daily/backfill", runKey, "{" + days + "}");
        assertEquals(201, created.status(), created.body());
        assertEquals(3, created.json().path("created").asInt());
        List<String> runs = in2021(http.get("/api/flow-runs?deployment=etl/daily", readKey).json().path("items"));
        assertEquals(3, runs.size(), runs.toString());
        assertTrue(runs.contains(created.json().path("runs").get(2).path("flowRunId").asText()));
        Http.Response again = http.post("/api/deployments/etl/daily/backfill", runKey, "{" + days + "}");
        assertEquals(0, again.json().path("created").asInt(), again.body());
        assertEquals(3, in2021(http.get("/api/flow-runs?deployment=etl/daily", readKey).json().path("items")).size());

        assertEquals(403, http.post("/api/deployments/etl/daily/backfill", readKey, "{" + days + "}").status());
        Http.Response badDay = http.post("/api/deployments/etl/daily/backfill", runKey, "{\"from\": \"2021-13-01\", \"to\": \"2021-01-03\"}");
        assertEquals(400, badDay.status());
        assertTrue(badDay.json().path("error").asText().contains("'from'"), badDay.body());
        assertEquals(400, http.post("/api/deployments/etl/daily/backfill", runKey, "{\"from\": \"2021-01-03\", \"to\": \"2021-01-01\"}")
                .status());
        assertEquals(400, http.post("/api/deployments/etl/daily/backfill", runKey, "{" + days + ", \"dryRun\": \"yes\"}").status());
    }

    @Test
    void anAdminCreatesAndUpdatesABlockWhoseSecretsAreWriteOnly() {
        String create = "{\"type\": \"test-database\", \"fields\": {\"url\": \"jdbc:x\", \"user\": \"u\", "
                + "\"password\": \"pw-api-1\", \"token\": \"tok-api-1\"}}";
        assertEquals(403, http.post("/api/blocks/api-db", runKey, create).status());
        Http.Response created = http.post("/api/blocks/api-db", adminKey, create);
        assertEquals(201, created.status(), created.body());
        assertFalse(created.body().contains("pw-api-1") || created.body().contains("tok-api-1"), created.body());

        Http.Response updated = http.post("/api/blocks/api-db", adminKey, "{\"fields\": {\"user\": \"v\"}}");
        assertEquals(200, updated.status(), updated.body());
        var db = fc.blocks().load("api-db", io.flowcore.engine.TestBlocks.TestDatabase.class);
        assertEquals("v", db.user());
        assertEquals("jdbc:x", db.url(), "a field left out keeps its value");
        assertEquals("pw-api-1", db.password().reveal(), "so does a secret");
        assertEquals(400, http.post("/api/blocks/api-db", adminKey, "{\"type\": \"test-bucket-v1\"}").status());
        assertEquals(400, http.post("/api/blocks/api-db", adminKey, "{\"fields\": [1]}").status());
        assertEquals(400, http.post("/api/blocks/other", adminKey, "{\"type\": \"no-such-type\"}").status());
        assertEquals(404, http.post("/api/blocks/other", adminKey, "{}").status());
        assertFalse(fc.blocks().list().containsKey("other"));
    }

    @Test
    void anAdminCreatesAndUpdatesANotificationRuleOnASavedNotifier() {
        fc.blocks().save("api-ops", new TestNotifiers.RecordingNotifier("#ops"), true);
        String create = "{\"notifier\": \"api-ops\", \"states\": [\"Failed\", \"Crashed\"], \"flows\": [\"etl\"]}";
        assertEquals(403, http.post("/api/notification-rules/api-rule", runKey, create).status());
        Http.Response created = http.post("/api/notification-rules/api-rule", adminKey, create);
        assertEquals(201, created.status(), created.body());
        Http.Response paused = http.post("/api/notification-rules/api-rule", adminKey, "{\"paused\": true}");
        assertEquals(200, paused.status(), paused.body());
        var rule = fc.notifications().rule("api-rule").orElseThrow();
        assertTrue(rule.paused());
        assertEquals(java.util.Set.of("Failed", "Crashed"), rule.states(), "what is left out keeps its value");
        assertEquals(java.util.Set.of("etl"), rule.flows());

        Http.Response notANotifier = http.post("/api/notification-rules/other", adminKey,
                "{\"notifier\": \"nope\", \"states\": [\"Failed\"]}");
        assertEquals(400, notANotifier.status());
        assertTrue(notANotifier.json().path("error").asText().contains("'notifier'"), notANotifier.body());
        assertEquals(400, http.post("/api/notification-rules/other", adminKey, "{\"notifier\": \"api-ops\", \"states\": []}")
                .status(), "a rule names at least one state");
        assertEquals(400, http.post("/api/notification-rules/api-rule", adminKey, "{\"states\": \"Failed\"}").status());
        assertEquals(404, http.post("/api/notification-rules/other", adminKey, "{}").status());
        assertTrue(fc.notifications().rule("other").isEmpty());
    }

    @Test
    void anAdminPausesAndResumesADeploymentAndAWorkQueue() {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "pausable")
                .withParameters(Map.of("month", 1, "label", "p")).withWorkQueue("pausable-queue"));
        assertEquals(403, http.post("/api/deployments/etl/pausable/pause", runKey, "").status());
        Http.Response paused = http.post("/api/deployments/etl/pausable/pause", adminKey, "");
        assertEquals(200, paused.status(), paused.body());
        assertTrue(paused.json().path("paused").asBoolean());
        assertTrue(fc.deployments().isPaused("etl/pausable"));
        assertEquals(409, http.post("/api/deployments/etl/pausable/runs", runKey, "{}").status(), "a paused deployment is not run");
        assertFalse(http.post("/api/deployments/etl/pausable/resume", adminKey, "").json().path("paused").asBoolean());
        assertEquals(201, http.post("/api/deployments/etl/pausable/runs", runKey, "{}").status());
        assertEquals(404, http.post("/api/deployments/etl/nope/pause", adminKey, "").status());

        assertEquals(403, http.post("/api/work-queues/pausable-queue/pause", runKey, "").status());
        Http.Response queue = http.post("/api/work-queues/pausable-queue/pause", adminKey, "");
        assertEquals(200, queue.status(), queue.body());
        assertTrue(fc.workQueues().get("pausable-queue").orElseThrow().paused());
        http.post("/api/work-queues/pausable-queue/resume", adminKey, "");
        assertFalse(fc.workQueues().get("pausable-queue").orElseThrow().paused());
        assertEquals(404, http.post("/api/work-queues/nope/pause", adminKey, "").status());
    }

    /** The ids of the runs scheduled in 2021 (applying a scheduled deployment also plans its next runs, from now on). */
    private static List<String> in2021(JsonNode items) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode r : items) {
            if (r.path("state").path("scheduledTime").asText("").startsWith("2021-")) out.add(r.path("id").asText());
        }
        return out;
    }

    @Test
    void startsADeploymentRunWithValidatedParametersAndNamesTheBadOne() {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "monthly")
                .withParameters(Map.of("month", 1, "label", "default")));
        Http.Response bad = http.post("/api/deployments/etl/monthly/runs", runKey, "{\"parameters\":{\"month\":13}}");
        assertEquals(400, bad.status(), bad.body());
        assertEquals("month", bad.json().path("violations").get(0).path("parameter").asText());
        assertTrue(bad.json().path("error").asText().contains("month"));

        Http.Response malformed = http.post("/api/deployments/etl/monthly/runs", runKey, "{\"parameters\": [1,");
        assertEquals(400, malformed.status());
        assertTrue(malformed.json().path("error").asText().contains("JSON"), malformed.body());
        assertEquals(400, http.post("/api/deployments/etl/monthly/runs", runKey, "{\"parameters\": [1]}").status());
        assertEquals(404, http.post("/api/deployments/etl/nope/runs", runKey, "{}").status());

        Http.Response ok = http.post("/api/deployments/etl/monthly/runs", runKey, "{\"parameters\":{\"month\":4}}");
        assertEquals(201, ok.status(), ok.body());
        assertEquals("etl/monthly", ok.json().path("deployment").asText());
        assertEquals(4, ok.json().path("parameters").path("month").asInt());
        assertEquals("SCHEDULED", ok.json().path("state").path("type").asText());
        JsonNode byDeployment = http.get("/api/flow-runs?deployment=etl/monthly", readKey).json().path("items");
        assertEquals(1, byDeployment.size());
        assertEquals(ok.json().path("id").asText(), byDeployment.get(0).path("id").asText());

        JsonNode d = http.get("/api/deployments/etl/monthly", readKey).json();
        assertEquals("integer", d.path("parameterSchema").path("properties").path("month").path("type").asText());
    }

    @Test
    void cancelsARunningRunWithARunKey() throws Exception {
        TestFlows.heldStarted = new CountDownLatch(1);
        Future<FlowRun<Void>> held;
        try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            held = exec.submit(() -> fc.executeVoid(TestFlows.class, TestFlows::held));
            assertTrue(TestFlows.heldStarted.await(30, TimeUnit.SECONDS));
            UUID id = fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().flow("held")
                    .inStates(StateType.RUNNING)).getFirst().id();
            Http.Response r = http.post("/api/flow-runs/" + id + "/cancel", runKey, "");
            assertEquals(200, r.status(), r.body());
            assertEquals(StateType.CANCELLED, held.get(30, TimeUnit.SECONDS).state().type());
            assertEquals(409, http.post("/api/flow-runs/" + id + "/cancel", runKey, "").status());
        }
    }

    @Test
    void neverReturnsABlocksSecrets() {
        fc.blocks().save("warehouse", new TestBlocks.TestDatabase("jdbc:x", "ann", Secret.of("hunter2-password"),
                Secret.of("tok-3141")), true);
        assertTrue(http.get("/api/blocks", readKey).body().contains("warehouse"));
        Http.Response one = http.get("/api/blocks/warehouse", adminKey);
        assertEquals(200, one.status(), one.body());
        assertEquals("ann", one.json().path("fields").path("user").asText());
        assertFalse(one.body().contains("hunter2"), one.body());
        assertFalse(one.body().contains("tok-3141"), one.body());
        assertEquals(404, http.get("/api/blocks/nope", readKey).status());
    }

    @Test
    void listsWorkQueuesAndNotificationRules() {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "queued").withWorkQueue("nightly-queue"));
        assertTrue(http.get("/api/work-queues", readKey).body().contains("nightly-queue"));
        assertEquals(200, http.get("/api/notification-rules", readKey).status());
    }

    @Test
    void theOpenApiDocumentDescribesEveryApiRoute() {
        JsonNode doc = http.get("/api/openapi.json", null).json();
        Set<String> documented = new HashSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        Set<String> registered = new HashSet<>();
        for (Router.Route r : server.routes()) {
            if (r.path().startsWith("/api/")) registered.add(r.method() + " " + r.path());
        }
        assertEquals(registered, documented);
        assertNull(doc.path("paths").get("/runs"));
    }
}
