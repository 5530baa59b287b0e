package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.server.ApiKeys;
import io.flowcore.server.FlowcoreServer;
import io.flowcore.server.Role;
import io.flowcore.server.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line through a flowcore server (--server, FLOWCORE_API_KEY): no database credentials on the worker. */
class RemoteWorkerCommandTests extends CliTestSupport {
    @TempDir
    Path serverHome;

    private static final String GREETER = """
            deployments:
              - name: remote
                flowClass: io.flowcore.cli.DeploymentCommandTests$Greeter
                flowMethod: greeter
                parameters: {who: remote, times: 2}
            """;

    @Test
    void anAdminAppliesAndRunsADeploymentAndAWorkerRunsItAllThroughTheServer() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(serverHome).notificationPolling(Duration.ZERO));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
            Map<String, String> admin = Map.of("FLOWCORE_API_KEY", keys.create(Role.ADMIN).key());
            Map<String, String> worker = Map.of("FLOWCORE_API_KEY", keys.create(Role.WORKER).key());
            Path file = home.resolve("flowcore.yaml");
            Files.writeString(file, GREETER);

            assertEquals(0, run(admin, "--server", server.url(), "deployment", "apply", file.toString()), err.toString());
            assertTrue(fc.deployments().get("greeter/remote").isPresent(), "the deployment is on the server");
            assertEquals(0, run(worker, "--server", server.url(), "deployment", "run", "greeter/remote"), err.toString());
            assertEquals(0, run(worker, "--server", server.url(), "worker", "start", "--run-once"), err.toString());
            assertEquals("worker: ran 1 flow run", out.toString().strip());

            assertEquals(0, run(worker, "--server", server.url(), "flow-run", "ls", "--json"), err.toString());
            JsonNode runs = new ObjectMapper().readTree(out.toString());
            assertEquals(1, runs.size(), out.toString());
            assertEquals("COMPLETED", runs.get(0).path("state").path("type").asText(), out.toString());
            var onServer = fc.history().flowRuns(FlowRunQuery.all());
            assertEquals(1, onServer.size());
            assertEquals(StateType.COMPLETED, onServer.get(0).state().type());
            // the worker's home holds no database of its own: its runs are on the server only
            assertTrue(Files.notExists(home.resolve("flowcore.db")), "the worker made a local store");

            // a worker key may not change deployments; the error names the role it needs
            assertNotEquals(0, run(worker, "--server", server.url(), "deployment", "apply", file.toString()));
            assertTrue(err.toString().contains("admin"), err.toString());
        }
    }
}
