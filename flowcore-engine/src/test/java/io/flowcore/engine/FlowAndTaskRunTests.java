package io.flowcore.engine;

import static io.flowcore.engine.TestEngines.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.FlowRunException;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("flow runs and task runs")
class FlowAndTaskRunTests {
    @TempDir
    Path home;
    Flowcore fc;

    @BeforeEach
    void open() {
        fc = TestEngines.inMemory(home);
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public static class Arithmetic {
        @Task
        public int add(int a, int b) {
            return a + b;
        }

        @Task(taskRunName = "square-{x}")
        public int square(int x) {
            return x * x;
        }

        @Task
        public int boom(String why) {
            throw new IllegalStateException(why);
        }

        @Flow(name = "Arithmetic")
        public int compute(int n) {
            return square(add(n, 1)) + add(1, 1);
        }

        @Flow(flowRunName = "failing-{why}")
        public int failing(String why) {
            return boom(why);
        }

        @Flow
        public String whoAmI() {
            return describe();
        }

        @Task
        public String describe() {
            RunContext c = RunContext.current();
            c.log().info("inside {}", c.taskRunName().orElseThrow());
            return c.flowName() + "/" + c.flowRunName() + "/" + c.taskRunName().orElseThrow();
        }
    }

    @Test
    void aCompletedFlowRunRecordsEveryTaskRunAndItsStates() {
        FlowRun<Integer> run = fc.execute(Arithmetic.class, f -> f.compute(2));

        assertEquals(11, run.result());
        assertEquals(StateType.COMPLETED, run.state().type());
        assertEquals(List.of("Pending", "Running", "Completed"), names(fc, run.id()));
        List<TaskRunRecord> tasks = run.taskRuns();
        assertEquals(List.of("add-0", "square-3", "add-1"), tasks.stream().map(TaskRunRecord::name).toList());
        for (TaskRunRecord t : tasks) {
            assertEquals(List.of("Pending", "Running", "Completed"), names(fc, t.id()));
        }
        assertEquals("Arithmetic", run.flowName());
        assertTrue(run.name().matches("[a-z]+-[a-z]+"), run.name());
    }

    @Test
    void theResultOfOneTaskPassedToAnotherIsAnEdgeOfTheTaskGraph() {
        record Pair(Object a, Object b) { }
        FlowRun<Integer> run = fc.execute(Arithmetic.class, f -> f.compute(2));
        TaskGraph g = run.graph();
        // add(2,1) returns a boxed Integer: numbers are shared instances, so no edge is recorded for them
        assertEquals(3, g.nodes().size());
        assertTrue(g.toMermaid().startsWith("flowchart LR"));
        assertNotNull(new Pair(g, null));
    }

    @Test
    void aTaskExceptionFailsTheTaskRunAndTheFlowRunWithTheMessage() {
        FlowRun<Integer> run = fc.execute(Arithmetic.class, f -> f.failing("no coffee"));

        assertEquals(StateType.FAILED, run.state().type());
        assertEquals("failing-no coffee", run.name());
        assertTrue(run.state().message().contains("IllegalStateException: no coffee"), run.state().message());
        FlowRunException e = assertThrows(FlowRunException.class, run::result);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        TaskRunRecord boom = run.taskRuns().getFirst();
        assertEquals(List.of("Pending", "Running", "Failed"), names(fc, boom.id()));
        assertTrue(boom.state().message().contains("no coffee"));
    }

    @Test
    void theRunContextNamesTheFlowRunAndTaskRunAndItsLoggerStoresLines() {
        FlowRun<String> run = fc.execute(Arithmetic.class, Arithmetic::whoAmI);

        assertEquals("who-am-i/" + run.name() + "/describe-0", run.result());
        assertTrue(run.logs().stream().anyMatch(l -> l.message().equals("inside describe-0") && l.taskRunId() != null),
                run.logs().toString());
        assertTrue(run.logs().stream().anyMatch(l -> l.message().startsWith("Finished in state Completed()")));
    }

    @Test
    void taskMethodsCalledOutsideAFlowRunAreArePlainCalls() {
        Arithmetic plain = new Arithmetic();
        assertEquals(3, plain.add(1, 2));
        assertThrows(IllegalStateException.class, RunContext::current);
    }

    @Test
    void theHistoryCanBeQueriedByFlowAndState() {
        fc.execute(Arithmetic.class, f -> f.compute(1));
        fc.execute(Arithmetic.class, f -> f.failing("x"));

        assertEquals(1, fc.history().flowRuns(FlowRunQuery.all().flow("Arithmetic")).size());
        assertEquals(1, fc.history().flowRuns(FlowRunQuery.all().inStates(StateType.FAILED)).size());
        assertEquals(2, fc.history().flowRuns(FlowRunQuery.all()).size());
        assertNull(fc.history().flowRuns(FlowRunQuery.all().inStates(StateType.FAILED)).getFirst().parentFlowRunId());
    }

    @Test
    void aLambdaThatCallsNoFlowIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fc.execute(Arithmetic.class, f -> f.add(1, 2)));
        assertTrue(e.getMessage().contains("must call a @Flow method"), e.getMessage());
    }
}
