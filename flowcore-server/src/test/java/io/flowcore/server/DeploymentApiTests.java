package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.Secret;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.TestBlocks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/deployments: deployments created and changed over HTTP, read as the CLI reads a deployments file. */
@DisplayName("deployments applied through the server")
class DeploymentApiTests {
    @TempDir
    static Path home;
    static Flowcore fc;
    static FlowcoreServer server;
    static Http http;
    static String readKey;
    static String runKey;
    static String adminKey;

    @BeforeAll
    static void start() {
        fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
        server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
        http = new Http(server.url());
        ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
        readKey = keys.create(Role.READ).key();
        runKey = keys.create(Role.RUN).key();
        adminKey = keys.create(Role.ADMIN).key();
    }

    @AfterAll
    static void stop() {
        server.close();
        fc.close();
    }

    /** One entry of a deployments file, as JSON. */
    private static ObjectNode entry(String name, String queue) {
        ObjectNode d = Views.MAPPER.createObjectNode().put("name", name).put("flowClass", TestFlows.class.getName())
                .put("flowMethod", "etl").put("workQueue", queue).put("description", "made over <http>");
        d.putObject("parameters").put("month", 2).put("label", "from-the-api");
        d.putArray("tags").add("api");
        d.putArray("schedules").addObject().put("cron", "0 5 1 * *").put("timezone", "Europe/Paris");
        return d;
    }

    @Test
    void aDeploymentIsCreatedKeptWhenTheSameContentComesAgainAndVersionedWhenItChanges() {
        ObjectNode d = entry("api-made", "api-queue");
        Http.Response created = http.post("/api/deployments", adminKey, d.toString());
        assertEquals(201, created.status(), created.body());
        assertEquals("etl/api-made", created.json().path("name").asText());
        assertEquals(1, created.json().path("version").asInt());
        assertFalse(created.json().path("unchanged").asBoolean(true), created.body());
        DeploymentRecord stored = fc.deployments().get("etl/api-made").orElseThrow();
        assertEquals("api-queue", stored.workQueue());
        assertEquals(List.of("api"), stored.tags());
        assertEquals("Europe/Paris", stored.schedules().getFirst().timezone());
        assertTrue(stored.parametersJson().contains("from-the-api"), stored.parametersJson());
        assertTrue(created.json().path("parameterSchema").path("properties").has("month"), created.body());

        Http.Response again = http.post("/api/deployments", adminKey, d.toString());
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().path("unchanged").asBoolean(false), again.body());
        assertEquals(1, again.json().path("version").asInt());
        assertEquals(1, fc.deployments().versions("etl/api-made").size());

        Http.Response changed = http.post("/api/deployments", adminKey, d.put("workQueue", "api-queue-2").toString());
        assertEquals(201, changed.status(), changed.body());
        assertEquals(2, changed.json().path("version").asInt());
        assertFalse(changed.json().path("unchanged").asBoolean(true));
        assertEquals("api-queue-2", fc.deployments().get("etl/api-made").orElseThrow().workQueue());
        assertEquals(List.of(1, 2), fc.deployments().versions("etl/api-made").stream().map(DeploymentRecord::version).toList());
    }

    @Test
    void aBadBodyIsRefusedWithA400NamingTheFieldAndStoresNothing() {
        ObjectNode typo = entry("typo", "q").put("shedules", "x");
        Http.Response r = http.post("/api/deployments", adminKey, typo.toString());
        assertEquals(400, r.status(), r.body());
        String error = r.json().path("error").asText();
        assertTrue(error.startsWith("deployment: unknown field 'shedules' (fields: [name, "), error);

        ObjectNode badCron = entry("bad-cron", "q");
        ((ObjectNode) badCron.path("schedules").get(0)).put("cron", "every tuesday");
        r = http.post("/api/deployments", adminKey, badCron.toString());
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().path("error").asText().startsWith("deployment.schedules[0]: "), r.body());

        ObjectNode noMethod = entry("no-method", "q");
        noMethod.remove("flowMethod");
        r = http.post("/api/deployments", adminKey, noMethod.toString());
        assertEquals(400, r.status(), r.body());
        assertEquals("deployment: missing 'flowMethod'", r.json().path("error").asText());

        r = http.post("/api/deployments", adminKey, entry("bad-month", "q").set("parameters",
                Views.MAPPER.createObjectNode().put("month", 13).put("label", "x")).toString());
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().path("error").asText().contains("month"), r.body());

        r = http.post("/api/deployments", adminKey, "{\"name\": \"broken\",");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().path("error").asText().startsWith("deployment: not valid JSON"), r.body());

        for (String name : List.of("typo", "bad-cron", "no-method", "bad-month", "broken")) {
            assertTrue(fc.deployments().get("etl/" + name).isEmpty(), name + " was stored");
        }
    }

    @Test
    void aFlowClassTheServerCannotLoadIsA400NamingItAndTheFix() {
        ObjectNode d = entry("elsewhere", "q").put("flowClass", "com.example.NotOnThisClasspath");
        Http.Response r = http.post("/api/deployments", adminKey, d.toString());
        assertEquals(400, r.status(), r.body());
        String error = r.json().path("error").asText();
        assertTrue(error.contains("com.example.NotOnThisClasspath is not on this server's classpath"), error);
        assertTrue(error.contains("--classpath") && error.contains("code: {block, path, sha256}"), error);
    }

    @Test
    void codeInStorageMustNameAnObjectStorageBlock() {
        fc.blocks().save("not-storage", new TestBlocks.TestDatabase("jdbc:x", "u", Secret.of("p"), Secret.of("t")), true);
        for (String block : List.of("no-such-block", "not-storage")) {
            ObjectNode d = entry("stored-" + block, "q").put("flowClass", "com.example.OnlyInTheJar");
            d.putObject("infrastructure").put("type", "process");
            d.putObject("code").put("block", block).put("path", "code/flows.jar").put("sha256", "ab".repeat(32));
            Http.Response r = http.post("/api/deployments", adminKey, d.toString());
            assertEquals(400, r.status(), r.body());
            String error = r.json().path("error").asText();
            assertTrue(error.startsWith("deployment 'stored-" + block + "': "), error);
            assertTrue(error.contains(block), error);
        }
        Http.Response noSha = http.post("/api/deployments", adminKey, entry("no-sha", "q").set("code",
                Views.MAPPER.createObjectNode().put("block", "lake").put("path", "code/flows.jar")).toString());
        assertEquals(400, noSha.status(), noSha.body());
        assertTrue(noSha.json().path("error").asText().startsWith("deployment.code: has no 'sha256'"), noSha.body());
    }

    @Test
    void onlyAnAdminKeyMayApply() {
        for (String key : new String[] {readKey, runKey}) {
            Http.Response r = http.post("/api/deployments", key, entry("not-allowed", "q").toString());
            assertEquals(403, r.status(), r.body());
        }
        assertEquals(401, http.post("/api/deployments", null, entry("not-allowed", "q").toString()).status());
        assertTrue(fc.deployments().get("etl/not-allowed").isEmpty());
    }

    @Test
    void aDeploymentAppliedOverHttpCanBeRunByAWorker() throws Exception {
        ObjectNode d = entry("runnable", "runnable-queue");
        assertEquals(201, http.post("/api/deployments", adminKey, d.toString()).status());
        Http.Response run = http.post("/api/deployments/etl/runnable/runs", runKey, "{\"parameters\": {\"month\": 5}}");
        assertEquals(201, run.status(), run.body());
        UUID id = UUID.fromString(run.json().path("id").asText());
        try (var worker = fc.worker(o -> o.queues("runnable-queue").noScheduler())) {
            assertEquals(1, worker.runOnce());
        }
        JsonNode done = http.get("/api/flow-runs/" + id, readKey).json();
        assertEquals(StateType.COMPLETED.name(), done.path("state").path("type").asText(), done.toString());
        assertEquals(5, done.path("parameters").path("month").asInt());
        assertEquals("from-the-api", done.path("parameters").path("label").asText(), "the deployment's default");
        assertEquals("etl/runnable", done.path("deployment").asText());
    }
}
