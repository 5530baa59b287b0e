package io.flowcore.engine;

import static io.flowcore.engine.TestEngines.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.Tasks;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("subflows, submit, map and concurrency limits")
class SubflowAndConcurrencyTests {
    @TempDir
    Path home;
    Flowcore fc;

    static final AtomicInteger inFlight = new AtomicInteger();
    static final AtomicInteger maxInFlight = new AtomicInteger();

    @BeforeEach
    void open() {
        inFlight.set(0);
        maxInFlight.set(0);
        fc = TestEngines.inMemory(home, cfg -> cfg.concurrencyLimit("db", 2));
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public record Rows(String month, int count) { }

    public static class Parent {
        @Task
        public Rows extract(String month) {
            return new Rows(month, month.length());
        }

        @Task
        public int load(Rows rows) {
            return rows.count();
        }

        @Task(tags = "db")
        public int query(int i) throws InterruptedException {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            Thread.sleep(150); // long enough that the submitted runs overlap even on a loaded machine
            inFlight.decrementAndGet();
            return i;
        }

        @Task
        public int explode(int i) {
            if (i == 2) throw new IllegalStateException("bad month " + i);
            return i;
        }

        @Flow(name = "child")
        public int child(String month) {
            return load(extract(month));
        }

        @Flow(name = "parent")
        public int parent(List<String> months) {
            int total = 0;
            for (String m : months) total += child(m);
            return total;
        }

        @Flow(name = "failing-child")
        public int failingChild() {
            return explode(2);
        }

        @Flow
        public String parentCatches() {
            try {
                failingChild();
                return "not reached";
            } catch (IllegalStateException e) {
                return "caught " + e.getMessage();
            }
        }

        @Flow
        public int parentFails() {
            return failingChild();
        }

        @Flow
        public int fanOut() {
            List<TaskFuture<Rows>> extracted = Tasks.map(List.of("2021-01", "2021-02", "2021-3"), this::extract);
            int sum = 0;
            for (TaskFuture<Rows> f : extracted) {
                Rows r = f.get();
                sum += Tasks.submit(() -> load(r)).get();
            }
            return sum;
        }

        @Flow
        public List<Integer> limited() {
            return Tasks.results(Tasks.map(List.of(1, 2, 3, 4, 5, 6), this::query));
        }

        @Flow
        public int unobservedFailure() {
            Tasks.submit(() -> explode(2));
            Tasks.submit(() -> explode(1));
            return 1;
        }

        @Flow
        public int observedFailure() {
            TaskFuture<Integer> f = Tasks.submit(() -> explode(2));
            return f.await().type() == StateType.FAILED ? -1 : 0;
        }

        @Flow
        public int submitTwoCalls() {
            Tasks.submit(() -> explode(1) + explode(3));
            return 0;
        }
    }

    @Test
    void aSubflowRunIsLinkedToItsParent() {
        FlowRun<Integer> run = fc.execute(Parent.class, f -> f.parent(List.of("2021-01", "2021-2")));

        assertEquals(13, run.result());
        List<FlowRunRecord> children = fc.history().flowRuns(FlowRunQuery.all().flow("child"));
        assertEquals(2, children.size());
        for (FlowRunRecord c : children) {
            assertEquals(run.id(), c.parentFlowRunId());
            assertEquals(StateType.COMPLETED, c.state().type());
            assertEquals(List.of("extract-0", "load-0"),
                    fc.history().taskRuns(c.id()).stream().map(TaskRunRecord::name).toList());
        }
    }

    @Test
    void aFailedSubflowFailsItsParentUnlessCaught() {
        FlowRun<Integer> fails = fc.execute(Parent.class, Parent::parentFails);
        assertEquals(StateType.FAILED, fails.state().type());

        FlowRun<String> catches = fc.execute(Parent.class, Parent::parentCatches);
        assertEquals("caught bad month 2", catches.result());
        assertEquals(2, fc.history().flowRuns(FlowRunQuery.all().flow("failing-child").inStates(StateType.FAILED)).size());
    }

    @Test
    void submittedTasksRunConcurrentlyAndPassingAResultRecordsTheEdge() {
        FlowRun<Integer> run = fc.execute(Parent.class, Parent::fanOut);

        assertEquals(7 + 7 + 6, run.result());
        TaskGraph g = run.graph();
        Map<java.util.UUID, String> names = g.nodes().stream()
                .collect(Collectors.toMap(TaskRunRecord::id, TaskRunRecord::name));
        List<String> edges = g.edges().stream().map(e -> names.get(e.from()) + "->" + names.get(e.to())).sorted().toList();
        assertEquals(List.of("extract-0->load-0", "extract-1->load-1", "extract-2->load-2"), edges);
        assertTrue(g.toMermaid().contains("-->"));
    }

    @Test
    void aTagLimitBoundsHowManyTaskRunsRunAtOnce() {
        FlowRun<List<Integer>> run = fc.execute(Parent.class, Parent::limited);

        assertEquals(List.of(1, 2, 3, 4, 5, 6), run.result());
        assertEquals(2, maxInFlight.get(), "the 'db' tag allows 2 at once");
    }

    @Test
    void aSubmittedFailureNobodyObservedFailsTheFlowRun() {
        FlowRun<Integer> run = fc.execute(Parent.class, Parent::unobservedFailure);

        assertEquals(StateType.FAILED, run.state().type());
        assertTrue(run.state().message().contains("1 of 2 submitted task runs failed: [explode-0]"), run.state().message());
    }

    @Test
    void aSubmittedFailureTheFlowHandledDoesNotFailIt() {
        FlowRun<Integer> run = fc.execute(Parent.class, Parent::observedFailure);
        assertEquals(-1, run.result());
    }

    @Test
    void submitRejectsALambdaWithMoreThanOneTaskCall() {
        FlowRun<Integer> run = fc.execute(Parent.class, Parent::submitTwoCalls);
        assertEquals(StateType.FAILED, run.state().type());
        assertTrue(run.state().message().contains("exactly one @Task"), run.state().message());
    }

    @Test
    void sixtyFourConcurrentTasksAllRecordTheirStates() {
        FlowRun<Integer> run = fc.execute(Wide.class, Wide::wide);
        assertEquals(64 * 63 / 2, run.result());
        List<TaskRunRecord> tasks = run.taskRuns();
        assertEquals(64, tasks.size());
        for (TaskRunRecord t : tasks) assertEquals(List.of("Pending", "Running", "Completed"), names(fc, t.id()));
    }

    public static class Wide {
        static volatile CountDownLatch started = new CountDownLatch(64);


        @Task
        public int work(int i) throws InterruptedException {
            CountDownLatch all = started;
            all.countDown();
            all.await(10, TimeUnit.SECONDS);
            return i;
        }

        @Flow
        public int wide() {
            started = new CountDownLatch(64);
            List<Integer> ids = java.util.stream.IntStream.range(0, 64).boxed().toList();
            return Tasks.results(Tasks.map(ids, this::work)).stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void submitOutsideAFlowRunIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tasks.submit(() -> new Parent().extract("x")));
        assertTrue(e.getMessage().contains("outside a flow run"));
        assertEquals(Function.identity().apply(1), 1);
    }
}
