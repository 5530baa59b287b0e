package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code flowcore deployment|worker|flow-run} on the embedded store, as a user types them. */
@DisplayName("the deployment, worker and flow-run commands")
class DeploymentCommandTests extends CliTestSupport {
    public static class Greeter {
        @Task
        public String greet(String who, int times) {
            return ("hello " + who + " ").repeat(times).strip();
        }

        @Flow(name = "greeter")
        public String greeter(String who, int times) {
            return greet(who, times);
        }
    }


    private Path yaml(String body) throws Exception {
        Path f = home.resolve("flowcore.yaml");
        Files.writeString(f, body);
        return f;
    }

    private static final String GREETER = """
            deployments:
              - name: nightly
                flowClass: io.flowcore.cli.DeploymentCommandTests$Greeter
                flowMethod: greeter
                parameters: {who: world, times: 1}
                tags: [demo]
            """;

    @Test
    void applyCreatesAVersionOnceAndAChangedFileTheNext() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml(GREETER).toString()), err.toString());
        assertEquals("greeter/nightly version 1 (applied)", out.toString().strip());
        assertEquals(0, run("deployment", "apply", yaml(GREETER).toString()), err.toString());
        assertEquals("greeter/nightly version 1 (unchanged)", out.toString().strip());
        assertEquals(0, run("deployment", "apply", yaml(GREETER.replace("times: 1", "times: 2")).toString()));
        assertEquals("greeter/nightly version 2 (applied)", out.toString().strip());

        assertEquals(0, run("deployment", "ls", "--json"));
        JsonNode ls = new ObjectMapper().readTree(out.toString());
        assertEquals("greeter/nightly", ls.get(0).get("name").asText());
        assertEquals(2, ls.get(0).get("version").asInt());
        assertEquals(2, ls.get(0).get("parameters").get("times").asInt());
    }

    @Test
    void aRunCreatedFromTheCommandLineIsExecutedByAWorkerAndListedAsJson() throws Exception {
        run("deployment", "apply", yaml(GREETER).toString());
        assertEquals(0, run("deployment", "run", "greeter/nightly", "--param", "who=flowcore", "--param", "times=2"),
                err.toString());
        assertTrue(out.toString().contains("Created flow run '"), out.toString());

        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals("worker: ran 1 flow run", out.toString().strip());

        assertEquals(0, run("flow-run", "ls", "--state", "completed", "--json"));
        JsonNode runs = new ObjectMapper().readTree(out.toString());
        assertEquals(1, runs.size());
        JsonNode r = runs.get(0);
        assertEquals("greeter", r.get("flow").asText());
        assertEquals("COMPLETED", r.get("state").get("type").asText());
        for (String field : new String[] {"id", "name", "deployment", "scheduledTime", "startTime", "endTime"}) {
            assertTrue(r.has(field), field + " in " + r);
        }
        assertEquals(0, run("flow-run", "inspect", r.get("id").asText()));
        assertTrue(out.toString().contains("\"who\" : \"flowcore\""), out.toString());
        assertTrue(out.toString().contains("greet-0 Completed"), out.toString());
    }

    @Test
    void watchFollowsTheRunAndExitsZeroOnlyWhenItCompletes() throws Exception {
        run("deployment", "apply", yaml(GREETER).toString());
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home));
             Worker w = fc.worker(o -> o.pollInterval(Duration.ofMillis(50))).start()) {
            assertEquals(0, run("deployment", "run", "greeter/nightly", "--watch"), out + "\n" + err);
            assertTrue(out.toString().contains("state: Completed()"), out.toString());
            // a parameter the flow cannot take: refused before any run is created (the CLI has the class here)
            assertEquals(1, run("deployment", "run", "greeter/nightly", "--param", "times=many", "--watch"),
                    out + "\n" + err);
            assertTrue(err.toString().contains("parameter 'times'"), err.toString());
        }
    }

    @Test
    void theExamplesDeploymentsFileAppliesAndItsYearlyReportRunsThroughAWorker() throws Exception {
        Path examples = Path.of("..", "flowcore-taxi-examples", "flowcore.yaml");
        assertEquals(0, run("deployment", "apply", examples.toString()), err.toString());
        assertTrue(out.toString().contains("yearly-report/nightly version 1 (applied)"), out.toString());
        // The file's daily schedule has queued its next runs too; they are not due yet.
        JsonNode r = runThroughAWorker("yearly-report/nightly");
        assertEquals("COMPLETED", r.get("state").get("type").asText(), r.toString());
    }

    @Test
    void aWorkerWithAMetricsPortServesItsMetricsWhileItRunsAndStopsServingThem() throws Exception {
        run("deployment", "apply", yaml(GREETER).toString());
        run("deployment", "run", "greeter/nightly", "--param", "who=metrics");
        assertEquals(0, run("worker", "start", "--run-once", "--metrics-port", "0"), err.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics at (http://127\\.0\\.0\\.1:(\\d+)/metrics)")
                .matcher(out.toString());
        assertTrue(m.find(), out.toString());
        assertTrue(out.toString().contains("worker: ran 1 flow run"), out.toString());
        // --run-once is over: the endpoint is closed with it, not left behind
        try (java.net.Socket s = new java.net.Socket()) {
            assertThrows(java.io.IOException.class, () -> s.connect(new java.net.InetSocketAddress("127.0.0.1",
                    Integer.parseInt(m.group(2))), 2000));
        }
    }

    /** Runs the deployment through {@code worker start --run-once}; returns the run as {@code flow-run ls --json} shows it. */
    private JsonNode runThroughAWorker(String deployment) throws Exception {
        assertEquals(0, run("deployment", "run", deployment), err.toString());
        String name = out.toString().split("'")[1];
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals(0, run("flow-run", "ls", "--flow", deployment.split("/")[0], "--json"));
        for (JsonNode n : new ObjectMapper().readTree(out.toString())) if (n.get("name").asText().equals(name)) return n;
        throw new AssertionError("no run " + name + " in " + out);
    }

    @Test
    void theExamplesYearlyReportRunsInAChildJvmThroughTheProcessInfrastructure() throws Exception {
        Path examples = Path.of("..", "flowcore-taxi-examples", "flowcore.yaml");
        assertEquals(0, run("deployment", "apply", examples.toString()), err.toString());
        assertEquals(0, run("deployment", "inspect", "yearly-report/process"), err.toString());
        assertTrue(out.toString().contains("\"type\" : \"process\""), out.toString());
        JsonNode r = runThroughAWorker("yearly-report/process");
        assertEquals("COMPLETED", r.get("state").get("type").asText(), r.toString());
        assertEquals(0, run("flow-run", "logs", r.get("id").asText()), err.toString());
        assertTrue(out.toString().contains("Started on infrastructure process (pid "), out.toString());
    }

    @Test
    void theExamplesYearlyReportRunsInAContainerThroughTheDockerInfrastructure() throws Exception {
        // local/flowcore-examples comes from `bash .ci/test-infra.sh up` (docker/examples/build.sh)
        int found;
        try {
            found = new ProcessBuilder("docker", "image", "inspect", "local/flowcore-examples").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (java.io.IOException noDocker) {
            found = -1;
        }
        String missing = "local/flowcore-examples is missing: run `bash .ci/test-infra.sh up` (or `bash docker/examples/build.sh`)";
        boolean required = "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FLOWCORE_REQUIRE_INFRA"));
        if (found != 0 && !required) org.junit.jupiter.api.Assumptions.abort(missing);
        assertEquals(0, found, missing);
        Path examples = Path.of("..", "flowcore-taxi-examples", "flowcore.yaml");
        assertEquals(0, run("deployment", "apply", examples.toString()), err.toString());
        JsonNode r = runThroughAWorker("yearly-report/docker");
        assertEquals("COMPLETED", r.get("state").get("type").asText(), r.toString());
        assertEquals(0, run("flow-run", "logs", r.get("id").asText()), err.toString());
        assertTrue(out.toString().contains("Started on infrastructure docker (container "), out.toString());
    }

    @Test
    void theExamplesMonthlyTaxiDeploymentRunsThroughAWorkerAgainstTheLocalSetUp() throws Exception {
        Path examples = Path.of("..", "flowcore-taxi-examples", "flowcore.yaml");
        JsonNode monthly = null;
        for (JsonNode d : new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(examples.toFile()).get("deployments")) {
            if (d.get("name").asText().equals("monthly")) monthly = d;
        }
        assertTrue(monthly != null, "flowcore.yaml has etl-parent-flow/monthly");
        assertEquals("http://127.0.0.1:" + io.flowcore.examples.taxi.data.ServerOptions.DEFAULT_PORT,
                monthly.get("parameters").get("settings").get("sourceBaseUrl").asText(), "the local set-up's source");

        assertEquals(0, run("deployment", "apply", examples.toString()), err.toString());
        assertTrue(out.toString().contains("etl-parent-flow/monthly version 1 (applied)"), out.toString());
        try (var server = io.flowcore.examples.taxi.data.TaxiDataServer.start(io.flowcore.examples.taxi.data.ServerOptions
                .defaults(home.resolve("taxi-source")).withMonths(io.flowcore.examples.taxi.data.GeneratorOptions.rows(2_000)))) {
            try (io.flowcore.engine.Blocks blocks = io.flowcore.engine.Blocks.open(home)) {
                io.flowcore.examples.taxi.TaxiLocal.saveLocalBlocks(blocks, home);
            }
            // the same settings as the file's, on the test server's free port and a work folder of this test
            String settings = "{\"sourceBaseUrl\": \"" + server.baseUri() + "\", \"workDir\": \""
                    + home.resolve("taxi") + "\", \"lakeBlock\": \"taxi-lake\", \"warehouseBlock\": \"taxi-warehouse\", "
                    + "\"warehouseTable\": \"rides\", \"sqlBlock\": \"taxi-postgres\"}";
            assertEquals(0, run("deployment", "run", "etl-parent-flow/monthly", "--param", "settings=" + settings,
                    "--param", "year=2021", "--param", "months=[1]"), // the file's are templates for scheduled runs
                    err.toString());
            assertEquals(0, run("worker", "start", "--queue", "taxi", "--run-once"), err.toString());
        }
        assertEquals(0, run("flow-run", "ls", "--flow", "etl-parent-flow", "--json"));
        // the schedule's future runs wait Scheduled beside it; the one created by hand ran
        List<JsonNode> ran = new ArrayList<>();
        for (JsonNode r : new ObjectMapper().readTree(out.toString())) {
            assertEquals("etl-parent-flow/monthly", r.get("deployment").asText(), r.toString());
            if (!r.get("state").get("type").asText().equals("SCHEDULED")) ran.add(r);
        }
        assertEquals(1, ran.size(), ran.toString());
        assertEquals("COMPLETED", ran.getFirst().get("state").get("type").asText(), ran.toString());
    }

    @Test
    void theExamplesMonthlyTaxiDeploymentRefusesBadParametersBeforeARunIsQueued() throws Exception {
        assertEquals(0, run("deployment", "apply", Path.of("..", "flowcore-taxi-examples", "flowcore.yaml").toString()),
                err.toString());
        assertEquals(0, run("flow-run", "ls", "--flow", "etl-parent-flow", "--json"));
        int scheduled = new ObjectMapper().readTree(out.toString()).size();   // the schedule's next runs

        assertEquals(1, run("deployment", "run", "etl-parent-flow/monthly", "--param", "year=1990",
                "--param", "months=[2,13]", "--param", "color=purple"), out + "\n" + err);
        assertTrue(err.toString().contains("parameter 'months[1]' = 13: must be less than or equal to 12; "
                + "parameter 'year' = 1990: must be greater than or equal to 2009; "
                + "parameter 'color' = \"purple\": must match \"yellow|green|fhv\""), err.toString());
        assertEquals(1, run("deployment", "run", "etl-parent-flow/monthly", "--param", "year=2021",
                "--param", "months=[]"), out + "\n" + err);
        assertTrue(err.toString().contains("parameter 'months' = []: must not be empty"), err.toString());
        assertEquals(1, run("deployment", "run", "etl-parent-flow/monthly", "--param", "year=2021"), out + "\n" + err);
        assertTrue(err.toString().contains("parameter 'months' = [\"{{ interval.start.month }}\"]: is a template, "
                + "filled only in the runs a schedule or a backfill creates: give 'months' for a run created by hand"),
                err.toString());

        assertEquals(0, run("flow-run", "ls", "--flow", "etl-parent-flow", "--json"));
        assertEquals(scheduled, new ObjectMapper().readTree(out.toString()).size(), "no run was queued: " + out);
    }

    @Test
    void aBacklogOfWaitingRunsIsCancelledByStateAndDeploymentAndNoWorkerStartsThem() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml(GREETER).toString()), err.toString());
        assertEquals(0, run("deployment", "run", "greeter/nightly"), err.toString());
        assertEquals(0, run("deployment", "run", "greeter/nightly"), err.toString());

        assertEquals(0, run("flow-run", "ls"));
        assertTrue(out.toString().lines().findFirst().orElseThrow().matches("ID\\s+NAME\\s+FLOW\\s+DEPLOYMENT\\s+SCHEDULED\\s+LATE\\s+STATE"),
                out.toString());
        assertEquals(0, run("flow-run", "cancel", "--state", "scheduled", "--deployment", "greeter/nightly", "--dry-run"));
        assertTrue(out.toString().contains("2 run(s) would be cancelled"), out.toString());
        assertEquals(0, run("flow-run", "ls", "--state", "Scheduled", "--json"));
        assertEquals(2, new ObjectMapper().readTree(out.toString()).size(), "a dry run cancels nothing");

        assertEquals(0, run("flow-run", "cancel", "--state", "Scheduled", "--deployment", "greeter/nightly"));
        assertTrue(out.toString().contains("2 run(s) cancelled"), out.toString());
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals(0, run("flow-run", "ls", "--json"));
        for (JsonNode r : new ObjectMapper().readTree(out.toString())) {
            assertEquals("CANCELLED", r.get("state").get("type").asText(), r.toString());
            assertEquals("cancelled before it started", r.get("state").get("message").asText(), r.toString());
        }
        assertEquals(1, run("flow-run", "cancel"));
        assertTrue(err.toString().contains("a run's ID, or --state"), err.toString());
    }

    @Test
    void endedRunsAreDeletedByAgeAndStateAndADryRunKeepsThem() throws Exception {
        assertEquals(0, run("deployment", "apply", yaml(GREETER).toString()), err.toString());
        assertEquals(0, run("deployment", "run", "greeter/nightly"), err.toString());
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals(0, run("deployment", "run", "greeter/nightly"), err.toString()); // waits: not ended

        assertEquals(0, run("flow-run", "delete", "--older-than", "0s", "--dry-run"));
        assertTrue(out.toString().contains("1 run(s) would be deleted"), out.toString());
        assertEquals(0, run("flow-run", "delete", "--older-than", "30d"));
        assertTrue(out.toString().contains("0 run(s) deleted"), out.toString());
        assertEquals(0, run("flow-run", "delete", "--older-than", "0s", "--state", "Completed"));
        assertTrue(out.toString().contains("1 run(s) deleted"), out.toString());
        assertEquals(0, run("flow-run", "ls", "--json"));
        JsonNode left = new ObjectMapper().readTree(out.toString());
        assertEquals(1, left.size(), left.toString());
        assertEquals("SCHEDULED", left.get(0).get("state").get("type").asText());
        assertEquals(1, run("flow-run", "delete", "--older-than", "soon"));
        assertTrue(err.toString().contains("--older-than 'soon' is not a duration"), err.toString());
    }

    @Test
    void flowRunLsShowsHowLateARunStartedOrIsWaiting() {
        java.time.Instant due = java.time.Instant.parse("2021-01-01T00:00:00Z");
        var done = new io.flowcore.api.run.FlowRunRecord(java.util.UUID.randomUUID(), "n", "f", null, null, "{}", null,
                null, null, io.flowcore.api.state.State.of(io.flowcore.api.state.StateType.COMPLETED, due), due);
        var waiting = new io.flowcore.api.run.FlowRunRecord(java.util.UUID.randomUUID(), "n", "f", null, null, "{}", null,
                null, null, io.flowcore.api.state.State.scheduled("Late", due, due), due);
        assertEquals("1m5s", FlowRunCommand.lateness(due.toString(), "2021-01-01T00:01:05Z", done, due));
        assertEquals("2d3h", FlowRunCommand.lateness(due.toString(), "2021-01-03T03:00:00Z", done, due));
        assertEquals("-", FlowRunCommand.lateness(due.toString(), "2021-01-01T00:00:01Z", done, due), "on time");
        assertEquals("-", FlowRunCommand.lateness(null, null, done, due), "not scheduled");
        assertEquals("30s", FlowRunCommand.lateness(due.toString(), null, waiting, due.plusSeconds(30)), "still waiting");
    }

    @Test
    void badFilesAndNamesAreOneClearErrorNamingTheThing() throws Exception {
        assertEquals(1, run("deployment", "apply", yaml(GREETER.replace("tags:", "tagz:")).toString()));
        assertTrue(err.toString().contains("deployments[0]: unknown field 'tagz'"), err.toString());
        assertEquals(1, run("deployment", "apply", yaml(GREETER.replace("$Greeter", "$Nope")).toString()));
        assertTrue(err.toString().contains("DeploymentCommandTests$Nope is not on the classpath"), err.toString());
        assertEquals(1, run("deployment", "run", "greeter/weekly"));
        assertTrue(err.toString().contains("no deployment 'greeter/weekly'"), err.toString());
        assertEquals(1, run("deployment", "run", "greeter"));
        assertTrue(err.toString().contains("'<flow-name>/<deployment-name>'"), err.toString());
    }
}
