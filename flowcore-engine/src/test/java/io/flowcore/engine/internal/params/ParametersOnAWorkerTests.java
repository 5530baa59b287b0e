package io.flowcore.engine.internal.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import io.flowcore.engine.StateStores;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a worker runs a deployment's run with checked parameters")
class ParametersOnAWorkerTests {
    /** The months the flow's task saw, by batch. */
    static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    public static class MonthlyReport {
        @Task
        public String report(String batch, int month) {
            REPORTED.add(batch + "/" + month);
            return batch + "/" + month;
        }

        @Flow(name = "monthly-report")
        public String monthly(String batch, @Min(1) @Max(12) int month) {
            return report(batch, month);
        }
    }

    @TempDir
    Path home;
    private final io.flowcore.api.spi.StateStore memory = StateStores.inMemory();
    private final io.flowcore.api.spi.DeploymentStore store = (io.flowcore.api.spi.DeploymentStore) memory;

    @Test
    void aRunWithABadParameterIsRefusedWhenItIsCreatedWhereTheFlowIsKnownAndNothingIsQueued() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(memory))) {
            fc.deployments().apply(Deployment.of(MonthlyReport.class, "monthly", "nightly")
                    .withParameters(Map.of("batch", "refused")));

            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.flowcore.api.deployment.InvalidParametersException.class,
                    () -> fc.deployments().run("monthly-report/nightly", Map.of("month", 13)));

            assertTrue(e.getMessage().contains("parameter 'month' = 13: must be less than or equal to 12"), e.getMessage());
            assertEquals(List.of(), fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all()));
        }
    }

    /**
     * Creates the run as a process without the flow's classes would (the CLI, a server): nothing checks the
     * parameters before the worker does.
     */
    private FlowRunRecord runOnAWorker(Flowcore fc, Map<String, ?> parameters) throws Exception {
        DeploymentRecord d = fc.deployments().get("monthly-report/nightly").orElseThrow();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var merged = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(d.parametersJson());
        merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(parameters));
        java.time.Instant now = java.time.Instant.now();
        FlowRunRecord run = new FlowRunRecord(java.util.UUID.randomUUID(), "made-elsewhere", d.flowName(),
                d.flowClass(), d.flowMethod(), merged.toString(), null, null, null,
                io.flowcore.api.state.State.scheduled("Scheduled", now, now), now);
        store.insertScheduledRun(run, d.id(), d.workQueue());
        try (Worker w = fc.worker(o -> { })) {
            assertEquals(1, w.runOnce());
        }
        return fc.history().flowRun(run.id()).orElseThrow();
    }

    @Test
    void aMonthOutOfRangeEndsTheRunFailedNamingTheParameterBeforeAnyTask() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(memory))) {
            fc.deployments().apply(Deployment.of(MonthlyReport.class, "monthly", "nightly")
                    .withParameters(Map.of("batch", "range")));

            FlowRunRecord done = runOnAWorker(fc, Map.of("month", 13));

            assertEquals(StateType.FAILED, done.state().type(), done.state().toString());
            assertTrue(done.state().message().contains("parameter 'month' = 13: must be less than or equal to 12"),
                    done.state().message());
            assertEquals(List.of(), fc.history().taskRuns(done.id()));
            assertTrue(REPORTED.stream().noneMatch(r -> r.startsWith("range/")), REPORTED.toString());
        }
    }

    @Test
    void aMonthInRangeCompletes() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(memory))) {
            fc.deployments().apply(Deployment.of(MonthlyReport.class, "monthly", "nightly")
                    .withParameters(Map.of("batch", "in-range")));

            FlowRunRecord done = runOnAWorker(fc, Map.of("month", 3));

            assertEquals(StateType.COMPLETED, done.state().type(), done.state().toString());
            assertTrue(REPORTED.contains("in-range/3"), REPORTED.toString());
        }
    }

    @Test
    void parametersFromTheCommandLineAreCheckedTheSameWay() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(memory))) {
            fc.deployments().apply(Deployment.of(MonthlyReport.class, "monthly", "nightly"));

            FlowRunRecord done = runOnAWorker(fc, Params.parseCli(List.of("batch=cli", "month=0")));

            assertEquals(StateType.FAILED, done.state().type(), done.state().toString());
            assertTrue(done.state().message().contains("parameter 'month' = 0: must be greater than or equal to 1"),
                    done.state().message());
        }
    }

    /** Its flow method has no constraints: a direct call must not need (or load) the validator. */
    public static class Plain {
        @Flow(name = "plain")
        public int plain(int month) {
            return month;
        }
    }

    @Test
    void aDirectJavaCallIsCheckedTheSameWayAndEndsFailedBeforeAnyTask() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).store(memory))) {
            var refused = fc.execute(MonthlyReport.class, f -> f.monthly("direct", 13));
            var done = fc.execute(MonthlyReport.class, f -> f.monthly("direct", 12));
            var plain = fc.execute(Plain.class, f -> f.plain(13));

            assertEquals(StateType.FAILED, refused.state().type(), refused.state().toString());
            assertTrue(refused.state().message().contains("parameter 'month' = 13: must be less than or equal to 12"),
                    refused.state().message());
            assertEquals(List.of(), refused.taskRuns());
            assertTrue(refused.error() instanceof io.flowcore.api.deployment.InvalidParametersException,
                    String.valueOf(refused.error()));
            assertEquals(StateType.COMPLETED, done.state().type(), done.state().toString());
            assertEquals(Set.of("direct/12"), Set.copyOf(REPORTED.stream().filter(r -> r.startsWith("direct/")).toList()));
            assertEquals(13, plain.result());
        }
    }

    @Test
    void theScanFindsConstraintsOnParametersTypeArgumentsAndOverriddenMethodsAndNothingOnAPlainMethod() throws Exception {
        assertTrue(ConstraintScan.mayHaveConstraints(MonthlyReport.class.getMethod("monthly", String.class, int.class)));
        assertTrue(ConstraintScan.mayHaveConstraints(ParamFixtures.method("constrained")));
        assertTrue(ConstraintScan.mayHaveConstraints(ParamFixtures.Base.class.getMethod("inherited", int.class)));
        assertTrue(ConstraintScan.mayHaveConstraints(Sub.class.getMethod("inherited", int.class)));
        assertTrue(ConstraintScan.mayHaveConstraints(Listed.class.getMethod("listed", List.class)));
        assertEquals(false, ConstraintScan.mayHaveConstraints(Plain.class.getMethod("plain", int.class)));
        assertEquals(false, ConstraintScan.mayHaveConstraints(ParamFixtures.method("types")));
    }

    public static class Sub extends ParamFixtures.Base {
        @Override
        public void inherited(int n) {
        }
    }

    public static class Listed {
        public void listed(List<ParamFixtures.@jakarta.validation.Valid Window> windows) {
        }
    }
}
