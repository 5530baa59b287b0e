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

/** Schedules from the command line: the YAML's schedules, set-schedule, inspect and backfill. */
@DisplayName("deployment schedules on the command line")
class ScheduleCommandTests extends CliTestSupport {

    private String yaml(String schedules) throws Exception {
        Path f = home.resolve("flowcore.yaml");
        Files.writeString(f, """
                deployments:
                  - name: monthly
                    flowClass: io.flowcore.cli.DeploymentCommandTests$Greeter
                    flowMethod: greeter
                    parameters: {who: "{{ interval.start.date }}", times: "{{ interval.start.month }}"}
                    schedules:
                """ + schedules);
        return f.toString();
    }

    @Test
    void theYamlsSchedulesAreStoredAndInspectShowsTheNextInstantsInTheirZoneAndUtc() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml("""
                      - cron: "0 5 1 * *"
                        timezone: America/New_York
                      - interval: 1h
                        active: false
                """)), err.toString());
        assertEquals(0, run("deployment", "inspect", "greeter/monthly"), err.toString());
        JsonNode schedules = new ObjectMapper().readTree(out.toString()).get("schedules");
        assertEquals(2, schedules.size(), out.toString());
        assertEquals("0 5 1 * *", schedules.get(0).get("cron").asText());
        assertTrue(schedules.get(0).get("description").asText().endsWith("(America/New_York)"), schedules.toString());
        JsonNode next = schedules.get(0).get("next");
        assertEquals(5, next.size());
        assertTrue(next.get(0).get("local").asText().matches("\\d{4}-\\d\\d-01T05:00-0[45]:00"), next.toString());
        assertTrue(next.get(0).get("utc").asText().matches("\\d{4}-\\d\\d-01T0[9]:00:00Z|\\d{4}-\\d\\d-01T10:00:00Z"), next.toString());
        assertEquals("PT1H", schedules.get(1).get("interval").asText());
        assertTrue(!schedules.get(1).get("active").asBoolean());
        assertEquals("every 1h from 2000-01-01T00:00 (UTC, paused)", schedules.get(1).get("description").asText());
    }

    @Test
    void anInvalidCronInTheYamlNamesTheFieldAndStoresNothing() throws Exception {
        assertNotEquals(0, run("deployment", "apply", yaml("""
                      - cron: "0 5 1 13 *"
                """)));
        assertTrue(err.toString().contains("deployments[0].schedules[0]: cron '0 5 1 13 *' is invalid"), err.toString());
        assertNotEquals(0, run("deployment", "apply", yaml("""
                      - interval: 0s
                """)));
        assertTrue(err.toString().contains("deployments[0].schedules[0]: schedule 'interval' must be more than zero"), err.toString());
        assertNotEquals(0, run("deployment", "apply", yaml("""
                      - cron: "0 5 1 * *"
                        timezone: Europe/Atlantis
                """)));
        assertTrue(err.toString().contains("unknown time zone 'Europe/Atlantis'"), err.toString());
        assertEquals(0, run("deployment", "ls", "--json"));
        assertEquals("[ ]", out.toString().strip());
    }

    @Test
    void setScheduleMakesANewVersionAndBackfillCreatesEachInstantOnce() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml("""
                      - cron: "0 5 1 * *"
                        timezone: America/New_York
                """)), err.toString());
        assertEquals(0, run("deployment", "set-schedule", "greeter/monthly", "--cron", "0 6 1 * *",
                "--timezone", "America/New_York"), err.toString());
        assertTrue(out.toString().startsWith("greeter/monthly version 2: "), out.toString());

        assertEquals(0, run("deployment", "backfill", "greeter/monthly", "--from", "2021-02-01", "--to", "2021-04-01",
                "--dry-run"), err.toString());
        assertTrue(out.toString().contains("2021-02-01T06:00-05:00 (2021-02-01T11:00:00Z) {\"times\":1,\"who\":\"2021-01-01\"} would create"),
                out.toString());
        assertTrue(out.toString().contains("3 instants, dry run: nothing created"), out.toString());

        assertEquals(0, run("deployment", "backfill", "greeter/monthly", "--from", "2021-02-01", "--to", "2021-04-01"));
        assertTrue(out.toString().contains("3 instants, 3 runs created"), out.toString());
        assertEquals(0, run("deployment", "backfill", "greeter/monthly", "--from", "2021-02-01", "--to", "2021-04-01"));
        assertTrue(out.toString().contains("3 instants, 0 runs created"), out.toString());

        assertNotEquals(0, run("deployment", "backfill", "greeter/monthly", "--from", "2021-05-01", "--to", "2021-04-01"));
        assertTrue(err.toString().contains("--from 2021-05-01 is after --to 2021-04-01"), err.toString());
    }
}
