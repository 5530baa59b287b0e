package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A deployment's overlap and catchup from the YAML: stored (a new version), shown by inspect, bad values named. */
@DisplayName("deployment overlap and catchup on the command line")
class OverlapCommandTests extends CliTestSupport {

    private String yaml(String overlap) throws Exception {
        Path f = home.resolve("flowcore.yaml");
        Files.writeString(f, """
                deployments:
                  - name: once
                    flowClass: io.flowcore.cli.DeploymentCommandTests$Greeter
                    flowMethod: greeter
                    parameters: {who: world, times: 1}
                """ + overlap);
        return f.toString();
    }

    @Test
    void theOverlapIsStoredAsANewVersionAndInspectShowsIt() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml("")), err.toString());
        assertEquals(0, run("deployment", "apply", yaml("    overlap: {maxActive: 1, policy: queue}\n")), err.toString());
        assertTrue(out.toString().contains("greeter/once version 2 (applied)"), out.toString());
        assertEquals(0, run("deployment", "apply", yaml("    overlap: {maxActive: 1}\n")), err.toString());
        assertTrue(out.toString().contains("greeter/once version 2 (unchanged)"), "queue is the default: " + out);
        assertEquals(0, run("deployment", "inspect", "greeter/once"), err.toString());
        JsonNode overlap = new ObjectMapper().readTree(out.toString()).get("overlap");
        assertEquals(1, overlap.get("maxActive").asInt(), out.toString());
        assertEquals("queue", overlap.get("policy").asText(), out.toString());
        for (String policy : new String[] {"skip", "cancel-previous"}) {
            assertEquals(0, run("deployment", "apply", yaml("    overlap: {maxActive: 2, policy: " + policy + "}\n")),
                    err.toString());
            assertEquals(0, run("deployment", "inspect", "greeter/once"), err.toString());
            overlap = new ObjectMapper().readTree(out.toString()).get("overlap");
            assertEquals(policy, overlap.get("policy").asText(), out.toString());
            assertEquals(2, overlap.get("maxActive").asInt(), out.toString());
        }
    }

    @Test
    void aBadOverlapNamesTheFieldAndStoresNothing() throws Exception {
        assertNotEquals(0, run("deployment", "apply", yaml("    overlap: {maxActive: 0}\n")));
        assertTrue(err.toString().contains("deployments[0].overlap: 'maxActive' must be a whole number >= 1, not 0"),
                err.toString());
        assertNotEquals(0, run("deployment", "apply", yaml("    overlap: {maxActive: 2, policy: drop}\n")));
        assertTrue(err.toString().contains("deployments[0].overlap: overlap policy 'drop' is not supported "
                + "(supported: queue, skip, cancel-previous)"), err.toString());
        assertEquals(0, run("deployment", "ls"));
        assertTrue(!out.toString().contains("greeter/once"), "nothing stored: " + out);
    }

    @Test
    void theCatchupIsStoredAndShownAndABadOneIsNamed() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml("    catchup: {mode: all, max: 20}\n")), err.toString());
        assertEquals(0, run("deployment", "inspect", "greeter/once"), err.toString());
        JsonNode catchup = new ObjectMapper().readTree(out.toString()).get("catchup");
        assertEquals("all", catchup.get("mode").asText(), out.toString());
        assertEquals(20, catchup.get("max").asInt(), out.toString());
        assertEquals(0, run("deployment", "apply", yaml("    catchup: latest\n")), err.toString());
        assertTrue(out.toString().contains("greeter/once version 2 (applied)"), out.toString());
        assertNotEquals(0, run("deployment", "apply", yaml("    catchup: sometimes\n")));
        assertTrue(err.toString().contains("deployments[0].catchup: catchup 'sometimes' is not one of none, latest, all"),
                err.toString());
    }

    @Test
    void aRetentionOfItsOwnIsStoredAsANewVersionAndShownAndABadOneIsNamed() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml("")), err.toString());
        assertEquals(0, run("deployment", "apply", yaml("    retention: 30d\n")), err.toString());
        assertTrue(out.toString().contains("greeter/once version 2 (applied)"), out.toString());
        assertEquals(0, run("deployment", "inspect", "greeter/once"), err.toString());
        assertEquals("PT720H", new ObjectMapper().readTree(out.toString()).get("retention").asText(), out.toString());
        assertNotEquals(0, run("deployment", "apply", yaml("    retention: often\n")));
        assertTrue(err.toString().contains("deployments[0].retention"), err.toString());
    }
}
