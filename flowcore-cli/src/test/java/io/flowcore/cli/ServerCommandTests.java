package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.engine.Flowcore;
import io.flowcore.server.ApiKeys;
import io.flowcore.server.Role;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code flowcore server api-key create|ls|revoke} and the checks of {@code server start}. */
@DisplayName("the server commands")
class ServerCommandTests extends CliTestSupport {

    @Test
    void createsAKeyShownOnceListsItWithoutItsSecretAndRevokesIt() {
        assertEquals(0, run("server", "api-key", "create", "--role", "run"), err.toString());
        String key = out.toString().strip();
        assertTrue(key.startsWith("fck_"), key);
        String id = key.substring(4, key.indexOf('.'));
        String secret = key.substring(key.indexOf('.') + 1);
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            assertEquals(Role.RUN, new ApiKeys(fc.apiKeys(), InstantSource.system()).verify(key).orElseThrow());
            assertFalse(fc.apiKeys().apiKey(id).orElseThrow().hash().contains(secret));
        }

        assertEquals(0, run("server", "api-key", "ls"), err.toString());
        assertTrue(out.toString().contains(id) && out.toString().contains("run"), out.toString());
        assertFalse(out.toString().contains(secret));

        assertEquals(0, run("server", "api-key", "revoke", id), err.toString());
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            assertTrue(new ApiKeys(fc.apiKeys(), InstantSource.system()).verify(key).isEmpty());
        }
        assertEquals(1, run("server", "api-key", "revoke", id));
        assertTrue(err.toString().contains("no unrevoked API key"), err.toString());
    }

    @Test
    void refusesAnUnknownRoleAndNoAuthOffLoopback() {
        assertEquals(1, run("server", "api-key", "create", "--role", "owner"));
        assertTrue(err.toString().contains("unknown role 'owner'"), err.toString());
        assertEquals(1, run("server", "start", "--no-auth", "--bind", "0.0.0.0", "--port", "0"));
        assertTrue(err.toString().contains("only on a loopback address"), err.toString());
    }

    @Test
    void createsAndListsWorkspacesAndKeysThatReachOnlyTheirWorkspace() {
        assertEquals(0, run("server", "workspace", "create", "team-a"), err.toString());
        assertEquals(0, run("server", "workspace", "ls"), err.toString());
        assertEquals(List.of("default", "team-a"), out.toString().lines().toList());
        assertEquals(1, run("server", "workspace", "create", "team-a"));
        assertTrue(err.toString().contains("exists already"), err.toString());
        assertEquals(1, run("server", "workspace", "create", "Team_A"));
        assertTrue(err.toString().contains("[a-z][a-z0-9-]{0,39}"), err.toString());

        assertEquals(0, run("server", "api-key", "create", "--workspace", "team-a", "--role", "read"), err.toString());
        String key = out.toString().strip();
        assertTrue(err.toString().contains("workspace team-a"), err.toString());
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            assertEquals(new ApiKeys.Caller(Role.READ, "team-a"),
                    new ApiKeys(fc.apiKeys(), InstantSource.system()).authenticate(key).orElseThrow());
        }
        assertEquals(1, run("server", "api-key", "create", "--workspace", "nope", "--role", "read"));
        assertTrue(err.toString().contains("there is no workspace 'nope'"), err.toString());
        // server commands keep to the default store, where keys live, whatever workspace the environment names
        assertEquals(0, run(Map.of("FLOWCORE_WORKSPACE", "team-a"), "server", "api-key", "ls"), err.toString());
        assertTrue(out.toString().contains("team-a"), out.toString());
    }

    @Test
    void otherCommandsWorkInTheWorkspaceNamedByTheOptionOrTheEnvironment() {
        assertEquals(0, run("server", "workspace", "create", "team-a"), err.toString());
        assertEquals(0, run("--workspace", "team-a", "work-queue", "create", "team-queue"), err.toString());
        assertEquals(0, run("work-queue", "ls"), err.toString());
        assertFalse(out.toString().contains("team-queue"), out.toString());
        assertEquals(0, run(Map.of("FLOWCORE_WORKSPACE", "team-a"), "work-queue", "ls"), err.toString());
        assertTrue(out.toString().contains("team-queue"), out.toString());

        // blocks too: saved in the workspace's own store under its own key file, not in the default workspace's
        assertEquals(0, run("--workspace", "team-a", "block", "create", "duck-db-warehouse", "team-wh",
                "--set", "databaseFile=/tmp/team.duckdb"), err.toString());
        assertEquals(0, run("block", "ls"), err.toString());
        assertFalse(out.toString().contains("team-wh"), out.toString());
        assertEquals(0, run(Map.of("FLOWCORE_WORKSPACE", "team-a"), "block", "ls"), err.toString());
        assertTrue(out.toString().contains("team-wh"), out.toString());
        assertTrue(java.nio.file.Files.exists(home.resolve("workspaces/team-a/blocks.key")), "the workspace's own key");
        assertFalse(java.nio.file.Files.exists(home.resolve("blocks.key")), "default's key is not used");
        try (Flowcore team = Flowcore.create(cfg -> cfg.home(home).workspace("team-a"))) {
            assertEquals(Map.of("team-wh", "duck-db-warehouse"), team.blocks().list(), "a worker of team-a finds it");
        }
        assertEquals(1, run("--workspace", "nope", "block", "ls"));
        assertTrue(err.toString().contains("flowcore server workspace create nope"), err.toString());
        assertFalse(java.nio.file.Files.exists(home.resolve("workspaces/nope")), "no store was created for it");

        assertEquals(1, run("--workspace", "nope", "work-queue", "ls"));
        assertTrue(err.toString().contains("flowcore server workspace create nope"), err.toString());
    }

    @Test
    void renamesAWorkspaceAndDeletesItOnlyWhenConfirmed() {
        assertEquals(0, run("server", "workspace", "create", "team-a"), err.toString());
        assertEquals(0, run("--workspace", "team-a", "work-queue", "create", "team-queue"), err.toString());
        assertEquals(0, run("server", "workspace", "rename", "team-a", "team-b"), err.toString());
        assertTrue(out.toString().contains("FLOWCORE_WORKSPACE=team-b"), out.toString());
        assertEquals(0, run("--workspace", "team-b", "work-queue", "ls"), err.toString());
        assertTrue(out.toString().contains("team-queue"), "the queue moved with its workspace: " + out);

        assertEquals(1, run("server", "workspace", "delete", "team-b"));
        assertTrue(err.toString().contains("add --yes to confirm"), err.toString());
        assertEquals(0, run("server", "workspace", "ls"), err.toString());
        assertEquals(List.of("default", "team-b"), out.toString().lines().toList(), "nothing was deleted unconfirmed");
        assertEquals(0, run("server", "workspace", "delete", "team-b", "--yes"), err.toString());
        assertEquals(0, run("server", "workspace", "ls"), err.toString());
        assertEquals(List.of("default"), out.toString().lines().toList());
        assertEquals(1, run("server", "workspace", "delete", "default", "--yes"));
        assertTrue(err.toString().contains("the workspace default cannot be deleted"), err.toString());
    }
}
