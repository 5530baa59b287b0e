package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Catchup;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.FlowCode;
import io.flowcore.api.deployment.Overlap;
import io.flowcore.api.deployment.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployments file as the CLI and the server read it, and one deployment written back in its shape. */
@DisplayName("deployments files")
class DeploymentFilesTests {
    private static final String COUNTED = DeploymentsAndWorkersTests.Counted.class.getName();

    public static class Report {
        @io.flowcore.api.Flow(name = "report")
        public int report(int n, String batch, List<Object> extra) {
            return n + extra.size();
        }
    }

    @TempDir
    Path home;

    @Test
    void aDeploymentWrittenAsAFileEntryIsReadBackAndAppliedWithoutANewVersion() {
        String yaml = """
                name: nightly
                flowClass: %s
                flowMethod: report
                parameters: {n: 3, batch: "2021", extra: [1, 2.5, {deep: true}]}
                workQueue: reports
                tags: [a, b]
                description: "the nightly <run>"
                retries: 2
                maxLateness: 6h
                overlap: {maxActive: 2, policy: skip}
                catchup: {mode: all, max: 7}
                retention: 30d
                infrastructure: {type: process, jvmOptions: [-Xmx256m]}
                schedules:
                  - cron: "0 5 1 * *"
                    timezone: America/New_York
                  - interval: 90m
                    anchor: 2021-01-01T00:30
                    active: false
                  - rrule: FREQ=WEEKLY;BYDAY=MO;BYHOUR=6
                    start: 2021-01-04T00:00
                """.formatted(Report.class.getName());
        Deployment d = DeploymentFiles.readOne(yaml, "deployment");
        assertEquals(3, d.schedules().size());
        assertEquals(new Overlap(2, Overlap.Policy.SKIP), d.overlap());
        assertEquals(Duration.ofDays(30), d.retention());
        try (Flowcore fc = TestEngines.inMemory(home)) {
            DeploymentRecord v1 = fc.deployments().apply(d);
            String written = DeploymentFiles.toJson(v1);
            Deployment back = DeploymentFiles.readOne(written, "written");
            assertEquals(d, back, written);
            assertEquals(v1, fc.deployments().apply(back), "the same content: no new version");
            DeploymentRecord v2 = fc.deployments().apply(DeploymentFiles.readOne(written.replace("\"reports\"", "\"other\""), "x"));
            assertEquals(2, v2.version());
            assertEquals("other", v2.workQueue());
        }
    }

    @Test
    void codeAndDefaultsAreWrittenOnlyWhenSet() {
        Deployment d = new Deployment(COUNTED, "counted", "stored", Map.of("n", 1), List.of(), "default", "")
                .withInfrastructure(io.flowcore.api.deployment.Infrastructure.process())
                .withCode(new FlowCode("lake", "code/flows.jar", "ab".repeat(32)))
                .withCatchup(Catchup.latest());
        DeploymentRecord r = new DeploymentRecord("id", "counted", "stored", 1, COUNTED, "counted", "{\"n\":1}", List.of(),
                "default", "", "hash", Instant.EPOCH, null, List.of(), 0, null, d.infrastructure(), d.code(), null,
                d.catchup(), null);
        String written = DeploymentFiles.toJson(r);
        assertEquals(d, DeploymentFiles.readOne(written, "written"), written);
        for (String absent : List.of("schedules", "retries", "maxLateness", "overlap", "retention")) {
            assertTrue(!written.contains("\"" + absent + "\""), absent + " is at its default: " + written);
        }
        String plain = DeploymentFiles.toJson(new DeploymentRecord("id", "counted", "plain", 1, COUNTED, "counted", "{}",
                List.of(), "default", "", "hash", Instant.EPOCH, null, List.of(Schedule.cron("0 5 * * *")), 0, null,
                io.flowcore.api.deployment.Infrastructure.inProcess(), null, null, Catchup.none(), null));
        assertTrue(!plain.contains("infrastructure") && !plain.contains("catchup") && plain.contains("0 5 * * *"), plain);
    }

    @Test
    void aFileIsReadFromYamlOrJsonAndItsErrorsNameTheFileTheEntryAndTheField() throws Exception {
        Path yaml = Files.writeString(home.resolve("d.yaml"), """
                deployments:
                  - {name: a, flowClass: x.A, flowMethod: run}
                  - name: b
                    flowClass: x.B
                    flowMethod: run
                    workQueue: q
                """);
        List<Deployment> read = DeploymentFiles.read(yaml);
        assertEquals(List.of("a", "b"), read.stream().map(Deployment::name).toList());
        assertEquals("q", read.get(1).workQueue());
        Path json = Files.writeString(home.resolve("d.json"), "{\"deployments\": [{\"name\": \"j\", \"flowClass\": \"x.J\", "
                + "\"flowMethod\": \"run\", \"tags\": [\"t\"]}]}");
        assertEquals(List.of("t"), DeploymentFiles.read(json).getFirst().tags());

        var unknown = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.read(
                "deployments:\n  - {name: a, flowClass: x.A, flowMethod: run}\n  - {name: b, flowClass: x.B, flowMethod: r, shedules: []}\n",
                "my.yaml"));
        assertTrue(unknown.getMessage().startsWith("my.yaml: deployments[1]: unknown field 'shedules' (fields: [name, "),
                unknown.getMessage());
        assertTrue(unknown.getMessage().contains("schedules"), unknown.getMessage());
        var schedule = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.readOne(
                "{\"name\": \"a\", \"flowClass\": \"x.A\", \"flowMethod\": \"run\", \"schedules\": [{\"cron\": \"nope\"}]}", "body"));
        assertTrue(schedule.getMessage().startsWith("body.schedules[0]: "), schedule.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.readOne("name: a\nflowClass: x.A\n", "body"));
        assertEquals("body: missing 'flowMethod'", missing.getMessage());
        var retries = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.readOne(
                "{name: a, flowClass: x.A, flowMethod: run, retries: -1}", "body"));
        assertEquals("body: 'retries' must be a whole number >= 0, not -1", retries.getMessage());
        var broken = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.readOne("{\"name\": \"a\",", "body"));
        assertTrue(broken.getMessage().startsWith("body: not valid JSON at line 1"), broken.getMessage());
        var list = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.readOne("- a\n- b\n", "body"));
        assertEquals("body is not a mapping", list.getMessage());
        var noList = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.read("deployments: 3\n", "f.yaml"));
        assertEquals("f.yaml: expected a top-level 'deployments' list", noList.getMessage());
        var noFile = assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.read(home.resolve("none.yaml")));
        assertTrue(noFile.getMessage().startsWith("no deployments file "), noFile.getMessage());
        assertEquals(Duration.ofMinutes(90), DeploymentFiles.duration("90m", "--x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeploymentFiles.duration("soon", "--older-than"))
                .getMessage().startsWith("--older-than 'soon' is not a duration"));
    }

    @Test
    void aSchedulePreviewListsTheInstantsTheSchedulerUses() {
        Schedule daily = Schedule.cron("0 5 * * *").withTimezone("America/New_York");
        Instant after = Instant.parse("2021-03-13T12:00:00Z"); // the night before the spring-forward day
        assertEquals(List.of(Instant.parse("2021-03-14T09:00:00Z"), Instant.parse("2021-03-15T09:00:00Z")),
                SchedulePreview.next(daily, after, 2));
        assertTrue(SchedulePreview.describe(daily).endsWith("(America/New_York)"), SchedulePreview.describe(daily));
        assertTrue(SchedulePreview.describe(daily.withActive(false)).endsWith(", paused)"));
        assertEquals(List.of(Instant.parse("2021-03-13T12:30:00Z")),
                SchedulePreview.next(Schedule.every(Duration.ofMinutes(30)), after, 1));
    }

    @Test
    void parametersFromTheCommandLineAreJsonWhenTheyParse() {
        Map<String, Object> p = Deployments.parameters(List.of("months=[1,2]", "color=yellow", "year=2021"));
        assertEquals(List.of("months", "color", "year"), List.copyOf(p.keySet()));
        assertEquals(List.of(1, 2), p.get("months"));
        assertEquals("yellow", p.get("color"));
        assertEquals(2021, p.get("year"));
    }
}
