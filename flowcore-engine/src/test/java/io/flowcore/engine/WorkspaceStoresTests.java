package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a workspace's store is, and the names a workspace may have. */
@DisplayName("workspace stores")
class WorkspaceStoresTests {
    @TempDir
    Path home;

    @Test
    void aWorkspacesSchemaIsNamedAfterTheDefaultStoresSchemaAndReplacesItInTheUrl() {
        assertEquals("flowcore_ws_team_a", WorkspaceStores.schema("jdbc:postgresql://db/fc", "team-a"));
        String url = "jdbc:postgresql://db/fc?ssl=true&currentSchema=prod&user=x";
        assertEquals("prod_ws_team_a", WorkspaceStores.schema(url, "team-a"));
        assertEquals("jdbc:postgresql://db/fc?ssl=true&currentSchema=prod_ws_team_a&user=x",
                WorkspaceStores.withSchema(url, "prod_ws_team_a"));
        assertEquals("jdbc:postgresql://db/fc?currentSchema=s", WorkspaceStores.withSchema("jdbc:postgresql://db/fc", "s"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> WorkspaceStores.schema("jdbc:postgresql://db/fc?currentSchema=" + "s".repeat(30), "w".repeat(40)));
        assertTrue(tooLong.getMessage().contains("shorter workspace name"), tooLong.getMessage());
    }

    @Test
    void aWorkspaceNameIsALowerCaseLetterThenUpTo39LettersDigitsOrDashes() {
        for (String ok : new String[] {"a", "team-a", "t2", "a" + "b".repeat(39)}) {
            assertEquals(ok, FlowcoreConfig.checkWorkspaceName(ok));
        }
        for (String bad : new String[] {"", "A", "1a", "-a", "team_a", "a b", "a" + "b".repeat(40), "../x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FlowcoreConfig.checkWorkspaceName(bad));
            assertTrue(e.getMessage().contains("[a-z][a-z0-9-]{0,39}"), e.getMessage());
        }
    }

    @Test
    void theEnvironmentNamesTheWorkspaceAndChildJvmsInheritIt() {
        try (Flowcore defaultWorkspace = Flowcore.create(cfg -> cfg.home(home));
             Flowcore created = defaultWorkspace.openWorkspace("team-a")) { // creates the workspace's folder
            assertEquals("team-a", created.workspace());
        }
        FlowcoreConfig cfg = new FlowcoreConfig();
        cfg.environment(Map.of(FlowcoreHome.ENV, home.toString(), FlowcoreConfig.ENV_WORKSPACE, "team-a"));
        assertEquals("team-a", cfg.workspaceName());
        assertEquals(home.resolve("workspaces/team-a"), cfg.workspaceHome(home));
        try (Flowcore worker = Flowcore.create(c -> c.environment(Map.of(FlowcoreHome.ENV, home.toString(),
                FlowcoreConfig.ENV_WORKSPACE, "team-a")))) {
            assertEquals("team-a", worker.workspace());
        }
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> Flowcore.create(c -> c.home(home).workspace("team-b")));
        assertTrue(missing.getMessage().contains("flowcore server workspace create team-b"), missing.getMessage());
    }
}
