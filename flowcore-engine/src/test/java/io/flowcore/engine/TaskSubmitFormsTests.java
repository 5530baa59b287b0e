package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.Tasks;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forms of {@code Tasks.submit} and {@code Tasks.map}: void tasks, method references with their
 * arguments, and lambdas. The flows below are also the compile-time check of overload resolution: each
 * call is assigned to its exact future type, so a call that resolved to the other overload (or became
 * ambiguous) would not compile.
 */
@DisplayName("Tasks.submit and Tasks.map forms")
class TaskSubmitFormsTests {
    @TempDir
    Path home;
    Flowcore fc;

    /** Every task body that ran, as "method:args", in the order they ran per task. */
    static final Queue<String> bodies = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void open() {
        bodies.clear();
        fc = TestEngines.inMemory(home);
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public static class Forms {
        @Task
        public void nap(Integer seconds) {
            bodies.add("nap:" + seconds);
        }

        @Task
        public String fetch(String url) {
            bodies.add("fetch:" + url);
            return "<" + url + ">";
        }

        @Task
        public String join(String a, int b) {
            bodies.add("join:" + a + b);
            return a + b;
        }

        @Task
        public void note(String a, int b) {
            bodies.add("note:" + a + b);
        }

        @Task
        public void ping() {
            bodies.add("ping");
        }

        /** Not a task: submitting it captures no task call. */
        public String plain(String url) {
            return url;
        }

        /** Not a task: calls two. */
        public String twoTasks(String url) {
            return fetch(url) + fetch(url);
        }

        @Flow
        public int mapVoidTask(List<Integer> items) {
            List<TaskFuture<Void>> naps = Tasks.map(items, this::nap);
            List<TaskFuture<Void>> blockNaps = Tasks.map(items, s -> {
                nap(s * 10);
            });
            return Tasks.results(naps).size() + Tasks.results(blockNaps).size();
        }

        @Flow
        public List<String> mapValueTaskBothForms(List<String> urls) {
            List<TaskFuture<String>> byReference = Tasks.map(urls, this::fetch);
            List<TaskFuture<String>> byLambda = Tasks.map(urls, u -> fetch(u + "!"));
            return java.util.stream.Stream.concat(Tasks.results(byReference).stream(), Tasks.results(byLambda).stream())
                    .toList();
        }

        @Flow
        public String submitByReference() {
            TaskFuture<String> one = Tasks.submit(this::fetch, "a");
            TaskFuture<String> two = Tasks.submit(this::join, "b", 2);
            TaskFuture<Void> napped = Tasks.submit(this::nap, 3);
            TaskFuture<Void> noted = Tasks.submit(this::note, "c", 4);
            TaskFuture<Void> pinged = Tasks.submit(this::ping);
            TaskFuture<Void> lambdaNap = Tasks.submit(() -> nap(5));
            TaskFuture<String> lambdaFetch = Tasks.submit(() -> fetch("d"));
            assertNull(napped.get());
            assertNull(noted.get());
            assertNull(pinged.get());
            assertNull(lambdaNap.get());
            return one.get() + two.get() + lambdaFetch.get();
        }

        @Flow
        public String submitPlainMethod() {
            return Tasks.submit(this::plain, "x").get();
        }

        @Flow
        public String submitTwoTasks() {
            return Tasks.submit(this::twoTasks, "x").get();
        }
    }

    @Test
    void mapRunsAVoidTaskOncePerItemGivenAsReferenceOrBlockLambda() {
        FlowRun<Integer> run = fc.execute(Forms.class, f -> f.mapVoidTask(List.of(1, 2, 3)));

        assertEquals(6, run.result());
        assertEquals(List.of("nap-0", "nap-1", "nap-2", "nap-3", "nap-4", "nap-5"),
                run.taskRuns().stream().map(TaskRunRecord::name).sorted().toList());
        assertTrue(run.taskRuns().stream().allMatch(t -> t.state().type() == StateType.COMPLETED));
        assertEquals(List.of("nap:1", "nap:10", "nap:2", "nap:20", "nap:3", "nap:30"), bodies.stream().sorted().toList());
    }

    @Test
    void mapOfAValueTaskKeepsItsResultTypeWhetherGivenAsReferenceOrLambda() {
        FlowRun<List<String>> run = fc.execute(Forms.class, f -> f.mapValueTaskBothForms(List.of("x", "y")));

        assertEquals(List.of("<x>", "<y>", "<x!>", "<y!>"), run.result());
        assertEquals(4, run.taskRuns().size());
    }

    @Test
    void submitTakesAMethodReferenceAndItsArgumentsAndRunsExactlyThatOneCall() {
        FlowRun<String> run = fc.execute(Forms.class, Forms::submitByReference);

        assertEquals("<a>b2<d>", run.result());
        assertEquals(List.of("fetch-0", "fetch-1", "join-0", "nap-0", "nap-1", "note-0", "ping-0"),
                run.taskRuns().stream().map(TaskRunRecord::name).sorted().toList());
        // each body ran once, on the task run: capturing the call does not run it
        assertEquals(List.of("fetch:a", "fetch:d", "join:b2", "nap:3", "nap:5", "note:c4", "ping"),
                bodies.stream().sorted().toList());
    }

    @Test
    void submittingAReferenceToAMethodThatIsNotATaskFailsTheRunSayingWhatToPass() {
        FlowRun<String> run = fc.execute(Forms.class, Forms::submitPlainMethod);

        assertEquals(StateType.FAILED, run.state().type());
        assertTrue(run.error() instanceof IllegalArgumentException, String.valueOf(run.error()));
        assertTrue(run.error().getMessage().contains("exactly one @Task method"), run.error().getMessage());
        assertTrue(run.error().getMessage().contains("Tasks.submit(this::fetch, url)"), run.error().getMessage());
        assertTrue(run.error().getMessage().endsWith("called 0"), run.error().getMessage());
        assertTrue(run.taskRuns().isEmpty());
    }

    @Test
    void submittingAReferenceToAMethodThatCallsTwoTasksFailsTheRunWithoutRunningEither() {
        FlowRun<String> run = fc.execute(Forms.class, Forms::submitTwoTasks);

        assertEquals(StateType.FAILED, run.state().type());
        assertTrue(run.error().getMessage().endsWith("called 2"), run.error().getMessage());
        assertTrue(run.taskRuns().isEmpty());
        assertFalse(bodies.contains("fetch:x"));
    }
}
