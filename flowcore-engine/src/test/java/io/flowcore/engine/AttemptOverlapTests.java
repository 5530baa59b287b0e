package io.flowcore.engine;

import static io.flowcore.engine.TestEngines.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * The stuck body stands in for "a body that runs 10 s and ignores its interrupt": its first attempt
 * waits on a latch and swallows every InterruptedException. The tests release it once they have seen
 * what they expect in the stored logs, so nothing here sleeps for the length of the stuck attempt.
 */
@DisplayName("a timed-out attempt never overlaps its retry")
class AttemptOverlapTests {
    @TempDir
    Path home;
    Flowcore fc;
    TestEngines.RecordingSleeper sleeper = new TestEngines.RecordingSleeper();

    static final AtomicInteger attempts = new AtomicInteger();
    static final AtomicInteger running = new AtomicInteger();
    static final AtomicInteger maxRunning = new AtomicInteger();
    static final AtomicInteger interruptsIgnored = new AtomicInteger();
    static final List<String> events = new CopyOnWriteArrayList<>();
    static volatile Instant firstAttemptEnded;
    static volatile CountDownLatch release;

    @BeforeEach
    void open() {
        attempts.set(0);
        running.set(0);
        maxRunning.set(0);
        interruptsIgnored.set(0);
        events.clear();
        firstAttemptEnded = null;
        release = new CountDownLatch(1);
        fc = TestEngines.inMemory(home, cfg -> cfg.sleeper(sleeper));
    }

    @AfterEach
    void close() throws InterruptedException {
        release.countDown(); // never leave a stuck body behind, even when an assertion failed
        await(() -> running.get() == 0, "the released body did not end");
        fc.close();
    }

    public static class Stubborn {
        @Task(timeoutSeconds = 1, retries = 1)
        public String stuckOnce() {
            return body();
        }

        @Task(timeoutSeconds = 0.2)
        public String stuckWithoutRetries() {
            return body();
        }

        /** The first attempt ignores interrupts until the test releases it; later attempts return at once. */
        static String body() {
            int attempt = attempts.incrementAndGet();
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            events.add("start " + RunContext.current().attempt());
            try {
                if (attempt == 1) {
                    while (true) {
                        try {
                            release.await();
                            break;
                        } catch (InterruptedException ignored) {
                            interruptsIgnored.incrementAndGet();
                        }
                    }
                    firstAttemptEnded = Instant.now();
                }
                return "attempt " + RunContext.current().attempt();
            } finally {
                events.add("end " + RunContext.current().attempt());
                running.decrementAndGet();
            }
        }

        @Flow
        public String retried() {
            return stuckOnce();
        }

        @Flow
        public String notRetried() {
            return stuckWithoutRetries();
        }
    }

    @Test
    void theRetryStartsOnlyAfterTheTimedOutAttemptsThreadHasEnded() throws Exception {
        CompletableFuture<FlowRun<String>> pending = CompletableFuture.supplyAsync(
                () -> fc.execute(Stubborn.class, Stubborn::retried));

        RunLog waiting = awaitLog(l -> l.level().equals("WARN") && l.message().equals("Timed out after 1.0 s; waiting "
                + "for its attempt to stop before retrying (it ignores interrupts)"));
        assertTrue(waiting.taskRunId() != null, "the WARN line is stored with the task run: " + waiting);
        await(() -> interruptsIgnored.get() >= 2, "the engine interrupts the stuck attempt again while it waits");
        assertEquals(List.of("start 1"), events, "no retry starts while the first attempt runs");

        release.countDown();
        FlowRun<String> run = pending.get(30, TimeUnit.SECONDS);

        assertEquals("attempt 2", run.result());
        assertEquals(List.of("start 1", "end 1", "start 2", "end 2"), events);
        assertEquals(1, maxRunning.get(), "at most one attempt runs at a time");
        TaskRunRecord task = run.taskRuns().getFirst();
        assertEquals(List.of("Pending", "Running", "AwaitingRetry", "Retrying", "Completed"), names(fc, task.id()));
        assertTrue(run.logs().stream().anyMatch(l -> l.level().equals("INFO") && task.id().equals(l.taskRunId())
                && l.message().startsWith("Its timed-out attempt stopped after ")), run.logs().toString());
    }

    @Test
    void aFlowRunCancelledWhileItsTimedOutAttemptIsStoppingWaitsForItAndStartsNoRetry() throws Exception {
        CompletableFuture<FlowRun<String>> pending = CompletableFuture.supplyAsync(
                () -> fc.execute(Stubborn.class, Stubborn::retried));
        RunLog waiting = awaitLog(l -> l.message().startsWith("Timed out after 1.0 s; waiting for its attempt"));

        assertTrue(fc.cancel(waiting.flowRunId()));
        await(() -> interruptsIgnored.get() >= 2, "the cancellation interrupts the stuck attempt too");
        release.countDown();
        FlowRun<String> run = pending.get(30, TimeUnit.SECONDS);

        assertEquals(StateType.CANCELLED, run.state().type());
        assertEquals(List.of("start 1", "end 1"), events, "the retry never starts");
        TaskRunRecord task = run.taskRuns().getFirst();
        assertEquals(StateType.CANCELLED, task.state().type());
        assertEquals(List.of("Pending", "Running", "Cancelled"), names(fc, task.id()));
        assertTrue(!task.state().timestamp().isBefore(firstAttemptEnded),
                "the task run ends only after its attempt's thread has ended");
    }

    @Test
    void aTimedOutTaskRunWithoutRetriesEndsTimedOutAndLogsThatItsThreadStillRuns() throws Exception {
        FlowRun<String> run = fc.execute(Stubborn.class, Stubborn::notRetried);

        TaskRunRecord task = run.taskRuns().getFirst();
        assertEquals("TimedOut", task.state().name());
        assertEquals(StateType.FAILED, run.state().type());
        assertEquals(List.of("start 1"), events, "the stuck attempt still runs: the run did not wait for it");
        assertTrue(run.logs().stream().anyMatch(l -> l.level().equals("WARN") && task.id().equals(l.taskRunId())
                && l.message().contains("its thread is still running")), run.logs().toString());
    }

    /** The first stored log line of the (only) flow run that matches, waiting up to 20 s for it. */
    private RunLog awaitLog(Predicate<RunLog> wanted) throws InterruptedException {
        RunLog[] found = new RunLog[1];
        await(() -> {
            for (var r : fc.history().flowRuns(FlowRunQuery.all())) {
                for (RunLog l : fc.history().logs(r.id())) {
                    if (wanted.test(l)) {
                        found[0] = l;
                        return true;
                    }
                }
            }
            return false;
        }, "the expected log line was never stored");
        return found[0];
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(20);
        }
    }
}
