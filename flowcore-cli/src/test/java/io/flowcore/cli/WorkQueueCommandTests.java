package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code flowcore work-queue}, {@code deployment pause|resume|rm}, {@code flow-run ls --deployment|retry}. */
@DisplayName("the work-queue commands, deployment pause/resume/rm and flow-run retry")
class WorkQueueCommandTests extends CliTestSupport {
    static final AtomicInteger FIRST = new AtomicInteger();
    static final AtomicInteger SECOND = new AtomicInteger();

    public static class TwoSteps {
        @Task
        public int first(int n) {
            FIRST.incrementAndGet();
            return n + 1;
        }

        @Task
        public String second(int n, String input) throws Exception {
            SECOND.incrementAndGet();
            return Files.readString(Path.of(input)).strip() + n; // fails while the input is missing
        }

        @Flow(name = "two-steps")
        public String twoSteps(int n, String input) throws Exception {
            return second(first(n), input);
        }
    }


    private JsonNode json(String... args) throws Exception {
        assertEquals(0, run(args), err.toString());
        return new ObjectMapper().readTree(out.toString());
    }

    private void apply(String queue, String input) throws Exception {
        Path f = home.resolve("flowcore.yaml");
        Files.writeString(f, """
                deployments:
                  - name: daily
                    flowClass: io.flowcore.cli.WorkQueueCommandTests$TwoSteps
                    flowMethod: twoSteps
                    parameters: {n: 1, input: "%s"}
                    workQueue: %s
                """.formatted(input, queue));
        assertEquals(0, run("deployment", "apply", f.toString()), err.toString());
    }

    @Test
    void workQueuesAreCreatedListedInspectedPausedAndLimited() throws Exception {
        assertEquals(0, run("work-queue", "create", "taxi", "--limit", "2", "--priority", "1", "--description",
                "taxi flows"), err.toString());
        assertEquals("Created work queue 'taxi' (active, priority 1, concurrency limit 2)", out.toString().strip());
        apply("reports", home.resolve("in.txt").toString());

        JsonNode all = json("work-queue", "ls", "--json");
        assertEquals(List.of("reports", "taxi"), List.of(all.get(0).get("name").asText(), all.get(1).get("name").asText()));
        assertTrue(all.get(0).get("concurrencyLimit").isNull(), all.toString());

        assertEquals(0, run("work-queue", "pause", "reports"), err.toString());
        JsonNode reports = json("work-queue", "inspect", "reports", "--json");
        assertTrue(reports.get("paused").asBoolean(), reports.toString());
        assertEquals("two-steps/daily", reports.get("deployments").get(0).asText());
        assertEquals(0, run("work-queue", "resume", "reports"), err.toString());
        assertFalse(json("work-queue", "inspect", "reports", "--json").get("paused").asBoolean());

        assertEquals(0, run("work-queue", "set-concurrency", "reports", "3"), err.toString());
        assertEquals(3, json("work-queue", "inspect", "reports", "--json").get("concurrencyLimit").asInt());
        assertEquals(0, run("work-queue", "set-concurrency", "reports", "--clear"), err.toString());
        assertTrue(out.toString().contains("no concurrency limit"), out.toString());
        assertEquals(0, run("work-queue", "ls"), err.toString());
        assertTrue(out.toString().contains("taxi") && out.toString().contains("taxi flows"), out.toString());

        assertEquals(1, run("work-queue", "pause", "nightly"));
        assertTrue(err.toString().contains("no work queue 'nightly'; there are [reports, taxi]"), err.toString());
        assertEquals(1, run("work-queue", "inspect", "nightly"));
        assertTrue(err.toString().contains("no work queue 'nightly'"), err.toString());
        assertEquals(1, run("work-queue", "create", "taxi"));
        assertTrue(err.toString().contains("'taxi' exists already"), err.toString());
        assertEquals(2, run("work-queue", "set-concurrency", "taxi", "3", "--clear"), "a limit or --clear, not both");
        assertEquals(0, run("worker", "start", "--queue", "taxy", "--run-once"), err.toString());
        assertTrue(err.toString().contains("no work queue 'taxy' yet (there are [reports, taxi])"), err.toString());
    }

    @Test
    void aPausedDeploymentIsShownAsPausedAndRefusesRunsUntilResumed() throws Exception {
        apply("default", home.resolve("in.txt").toString());
        assertEquals(0, run("deployment", "pause", "two-steps/daily"), err.toString());
        assertTrue(json("deployment", "ls", "--json").get(0).get("paused").asBoolean());
        assertTrue(json("deployment", "inspect", "two-steps/daily").get("paused").asBoolean());

        assertEquals(1, run("deployment", "run", "two-steps/daily"));
        assertTrue(err.toString().contains("deployment 'two-steps/daily' is paused")
                && err.toString().contains("flowcore deployment resume two-steps/daily"), err.toString());

        assertEquals(0, run("deployment", "resume", "two-steps/daily"), err.toString());
        assertFalse(json("deployment", "ls", "--json").get(0).get("paused").asBoolean());
        assertEquals(0, run("deployment", "run", "two-steps/daily"), err.toString());
        assertEquals(1, run("deployment", "pause", "two-steps/weekly"));
        assertTrue(err.toString().contains("no deployment 'two-steps/weekly'; there are [two-steps/daily]"),
                err.toString());
    }

    @Test
    void rmRemovesTheVersionsAndWaitingRunsButKeepsTheHistoryOfRunsThatRan() throws Exception {
        Path input = home.resolve("in.txt");
        Files.writeString(input, "ok");
        apply("default", input.toString());
        apply("default", input + "x"); // a second version
        assertEquals(0, run("deployment", "run", "two-steps/daily", "--param", "input=" + input), err.toString());
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals(0, run("deployment", "run", "two-steps/daily"), err.toString()); // waits, never claimed

        assertEquals(0, run("deployment", "rm", "two-steps/daily"), err.toString());
        assertEquals("Removed deployment two-steps/daily and 1 scheduled run", out.toString().strip());
        assertEquals(0, json("deployment", "ls", "--json").size());
        JsonNode runs = json("flow-run", "ls", "--json");
        assertEquals(1, runs.size(), runs.toString());
        assertEquals("COMPLETED", runs.get(0).get("state").get("type").asText());
        assertEquals("two-steps/daily", runs.get(0).get("deployment").asText());
        assertEquals(1, json("flow-run", "ls", "--deployment", "two-steps/daily", "--json").size());
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals("worker: ran 0 flow runs", out.toString().strip());
        assertEquals(1, run("deployment", "rm", "two-steps/daily"));
        assertTrue(err.toString().contains("no deployment 'two-steps/daily'"), err.toString());
    }

    @Test
    void flowRunLsFiltersByDeploymentAndStateAndItsJsonNamesTheDeployment() throws Exception {
        Path input = home.resolve("in.txt");
        Files.writeString(input, "ok");
        apply("default", input.toString());
        assertEquals(0, run("deployment", "run", "two-steps/daily"), err.toString());
        assertEquals(0, run("deployment", "run", "two-steps/daily"), err.toString());
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) { // a run from Java: no deployment
            fc.execute(TwoSteps.class, f -> f.twoSteps(5, input.toString()));
        }

        JsonNode scheduled = json("flow-run", "ls", "--deployment", "two-steps/daily", "--state", "sCheDuLeD", "--json");
        assertEquals(2, scheduled.size(), scheduled.toString());
        for (JsonNode r : scheduled) {
            assertEquals("two-steps/daily", r.get("deployment").asText());
            assertEquals("two-steps", r.get("flow").asText());
            assertEquals("Scheduled", r.get("state").get("name").asText());
            assertFalse(r.get("scheduledTime").isNull(), r.toString());
            assertTrue(r.get("startTime").isNull() && r.get("endTime").isNull(), r.toString());
            for (String f : new String[] {"id", "name", "state"}) assertTrue(r.has(f), f);
            assertTrue(r.get("state").has("type") && r.get("state").has("message"), r.toString());
        }
        JsonNode completed = json("flow-run", "ls", "--state", "completed", "--json");
        assertEquals(1, completed.size());
        assertTrue(completed.get(0).get("deployment").isNull(), completed.toString());
        assertEquals(0, run("flow-run", "ls", "--deployment", "two-steps/daily"), err.toString());
        assertEquals(3, out.toString().strip().lines().count(), out.toString());
        assertEquals(1, run("flow-run", "ls", "--deployment", "two-steps/weekly"));
        assertTrue(err.toString().contains("no deployment 'two-steps/weekly'"), err.toString());
    }

    @Test
    void retryQueuesANewRunThatAWorkerRunsFromTheFailedTaskOn() throws Exception {
        Path input = home.resolve("in.txt"); // missing: the second task fails
        apply("retries", input.toString());
        assertEquals(0, run("deployment", "run", "two-steps/daily"), err.toString());
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        JsonNode failed = json("flow-run", "ls", "--state", "failed", "--json").get(0);
        FIRST.set(0);
        SECOND.set(0);

        Files.writeString(input, "fixed-");
        assertEquals(0, run("flow-run", "retry", failed.get("id").asText()), err.toString());
        assertTrue(out.toString().contains("retrying " + failed.get("id").asText()), out.toString());
        assertEquals(0, run("worker", "start", "--queue", "retries", "--run-once"), err.toString());
        assertEquals("worker: ran 1 flow run", out.toString().strip());

        JsonNode done = json("flow-run", "ls", "--state", "completed", "--json").get(0);
        assertEquals("two-steps/daily", done.get("deployment").asText());
        assertEquals(0, FIRST.get(), "the completed task is not run again");
        assertEquals(1, SECOND.get());
        JsonNode inspected = json("flow-run", "inspect", done.get("id").asText());
        assertEquals(failed.get("id").asText(), inspected.get("resumeOf").asText());
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            var run = fc.history().flowRun(java.util.UUID.fromString(done.get("id").asText())).orElseThrow();
            assertEquals(StateType.COMPLETED, run.state().type());
        }

        assertEquals(1, run("flow-run", "retry", done.get("id").asText()));
        assertTrue(err.toString().contains("only a Failed or Crashed run can be retried"), err.toString());
    }

    @Test
    void retryOfARunWithoutADeploymentSaysToResumeItFromJava() throws Exception {
        String id;
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            fc.execute(TwoSteps.class, f -> f.twoSteps(1, home.resolve("missing").toString()));
            id = fc.history().flowRuns(FlowRunQuery.all()).getFirst().id().toString();
        }
        assertEquals(1, run("flow-run", "retry", id));
        assertTrue(err.toString().contains("was not created from a deployment")
                && err.toString().contains("Flowcore.resume"), err.toString());
    }
}
