package io.flowcore.engine;

import static io.flowcore.engine.TestEngines.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.Tasks;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("cancellation and flow class rules")
class CancellationAndDiscoveryTests {
    @TempDir
    Path home;
    Flowcore fc;
    static volatile CountDownLatch started;
    static volatile CountDownLatch interrupted;

    @BeforeEach
    void open() {
        started = new CountDownLatch(2);
        interrupted = new CountDownLatch(2);
        fc = TestEngines.inMemory(home);
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public static class LongRunning {
        @Task
        public void wait(int i) {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
            }
        }

        @Flow
        public void waitTwice() {
            Tasks.submit(() -> {
                wait(1);
                return null;
            });
            wait(2);
        }
    }

    @Test
    void cancellingARunningFlowRunInterruptsItsTasksAndEndsCancelled() throws Exception {
        CompletableFuture<FlowRun<Void>> run = CompletableFuture.supplyAsync(
                () -> fc.executeVoid(LongRunning.class, LongRunning::waitTwice));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        var running = fc.history().flowRuns(FlowRunQuery.all().inStates(StateType.RUNNING));
        assertEquals(1, running.size());

        assertTrue(fc.cancel(running.getFirst().id()));

        FlowRun<Void> done = run.get(10, TimeUnit.SECONDS);
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "both task threads are interrupted");
        assertEquals(StateType.CANCELLED, done.state().type());
        assertEquals(List.of("Pending", "Running", "Cancelling", "Cancelled"), names(fc, done.id()));
        for (TaskRunRecord t : done.taskRuns()) assertEquals(StateType.CANCELLED, t.state().type(), t.name());
        assertFalse(fc.cancel(done.id()), "an ended run cannot be cancelled again");
    }

    @Test
    void aRunOfAnotherEngineIsCancelledThroughTheStoreAtItsNextHeartbeat() throws Exception {
        var store = io.flowcore.engine.StateStores.inMemory();
        try (Flowcore runner = Flowcore.create(cfg -> cfg.home(home.resolve("a")).store(new TestEngines.Unclosable(store))
                .lease(java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(30)));
             Flowcore other = Flowcore.create(cfg -> cfg.home(home.resolve("b")).store(new TestEngines.Unclosable(store)))) {
            CompletableFuture<FlowRun<Void>> run = CompletableFuture.supplyAsync(
                    () -> runner.executeVoid(LongRunning.class, LongRunning::waitTwice));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            var id = other.history().flowRuns(FlowRunQuery.all().inStates(StateType.RUNNING)).getFirst().id();

            assertTrue(other.cancel(id));

            FlowRun<Void> done = run.get(10, TimeUnit.SECONDS);
            assertEquals(StateType.CANCELLED, done.state().type());
            assertEquals(List.of("Pending", "Running", "Cancelling", "Cancelled"), names(runner, done.id()));
        }
    }

    public static class PrivateTask {
        @Task
        private void hidden() {
        }

        @Task
        public static void stat() {
        }

        @Task
        public final void fin() {
        }

        @Flow
        public void run() {
        }
    }

    public static final class FinalFlows {
        @Flow
        public void run() {
        }
    }

    public static class NoFlow {
        @Task
        public void t() {
        }
    }

    @Test
    void methodsThatCannotBeInterceptedAreRejectedNamingEachOneAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fc.executeVoid(PrivateTask.class, PrivateTask::run));
        String m = e.getMessage();
        assertTrue(m.contains("@Task method PrivateTask.hidden() is private: make it public"), m);
        assertTrue(m.contains("@Task method PrivateTask.stat() is static"), m);
        assertTrue(m.contains("@Task method PrivateTask.fin() is final: remove 'final'"), m);
    }

    @Test
    void aFinalFlowClassIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fc.executeVoid(FinalFlows.class, FinalFlows::run));
        assertTrue(e.getMessage().contains("is final: remove 'final'"), e.getMessage());
    }

    @Test
    void aClassWithoutAFlowIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fc.executeVoid(NoFlow.class, NoFlow::t));
        assertTrue(e.getMessage().contains("has no @Flow method"), e.getMessage());
    }
}
