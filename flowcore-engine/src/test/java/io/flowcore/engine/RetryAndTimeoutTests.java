package io.flowcore.engine;

import static io.flowcore.engine.TestEngines.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RetryPolicy;
import io.flowcore.api.Task;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("retries and timeouts")
class RetryAndTimeoutTests {
    @TempDir
    Path home;
    Flowcore fc;
    TestEngines.RecordingSleeper sleeper = new TestEngines.RecordingSleeper();

    static final AtomicInteger calls = new AtomicInteger();
    static volatile CountDownLatch interrupted;

    @BeforeEach
    void open() {
        calls.set(0);
        interrupted = new CountDownLatch(1);
        fc = TestEngines.inMemory(home, cfg -> cfg.sleeper(sleeper));
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public static class Flaky {
        @Task(retries = 3, retryDelaySeconds = 2)
        public String fetch(int failures) {
            if (calls.incrementAndGet() <= failures) throw new UncheckedIOException(new IOException("connection reset"));
            return "data";
        }

        @Task(retries = 3, retryDelaySeconds = {1, 5, 10}, retryOn = UncheckedIOException.class)
        public String picky(boolean io) {
            calls.incrementAndGet();
            if (io) throw new UncheckedIOException(new IOException("reset"));
            throw new IllegalArgumentException("bad input");
        }

        @Task(retries = 4, retryDelaySeconds = 1, retryBackoffFactor = 2, retryMaxDelaySeconds = 5)
        public void backoff() {
            calls.incrementAndGet();
            throw new IllegalStateException("still down");
        }

        @Task(timeoutSeconds = 0.2)
        public void slow() {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
            }
        }

        @Flow
        public String flaky(int failures) {
            return fetch(failures);
        }

        @Flow
        public String pickyFlow(boolean io) {
            return picky(io);
        }

        @Flow
        public void backoffFlow() {
            backoff();
        }

        @Flow
        public void slowTask() {
            slow();
        }

        @Flow(timeoutSeconds = 0.2)
        public void slowFlow() throws InterruptedException {
            try {
                Thread.sleep(30_000);
            } finally {
                interrupted.countDown();
            }
        }

        @Flow(retries = 3, retryDelaySeconds = 1, retryBackoffFactor = 2, retryOn = IllegalStateException.class)
        public String flowBackoff(int failures, boolean fatal) {
            if (calls.incrementAndGet() <= failures) {
                throw fatal ? new IllegalArgumentException("not retried") : new IllegalStateException("retried");
            }
            return "attempt " + calls.get();
        }

        @Flow(retries = 1)
        public String flowRetry() {
            if (calls.incrementAndGet() == 1) throw new IllegalStateException("first attempt fails");
            return "second attempt";
        }
    }

    @Test
    void aFailedTaskIsRetriedAfterItsDelayUntilItCompletes() {
        FlowRun<String> run = fc.execute(Flaky.class, f -> f.flaky(2));

        assertEquals("data", run.result());
        TaskRunRecord fetch = run.taskRuns().getFirst();
        assertEquals(List.of("Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed"),
                names(fc, fetch.id()));
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeper.sleeps);
        var awaiting = fc.history().stateHistory(fetch.id()).get(2).state();
        assertEquals(StateType.SCHEDULED, awaiting.type());
        assertEquals(awaiting.timestamp().plusSeconds(2), awaiting.scheduledTime());
    }

    @Test
    void aTaskThatKeepsFailingEndsFailedAfterItsLastRetry() {
        FlowRun<String> run = fc.execute(Flaky.class, f -> f.flaky(10));

        assertEquals(4, calls.get());
        assertEquals(StateType.FAILED, run.state().type());
        List<String> h = names(fc, run.taskRuns().getFirst().id());
        assertEquals("Failed", h.getLast());
        assertEquals(3, h.stream().filter("AwaitingRetry"::equals).count());
    }

    @Test
    void onlyExceptionsTheRetryConditionNamesAreRetried() {
        FlowRun<String> notRetried = fc.execute(Flaky.class, f -> f.pickyFlow(false));
        assertEquals(1, calls.get());
        assertEquals(StateType.FAILED, notRetried.state().type());

        calls.set(0);
        fc.execute(Flaky.class, f -> f.pickyFlow(true));
        assertEquals(4, calls.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10)), sleeper.sleeps);
    }

    @Test
    void exponentialBackoffDoublesTheDelayUpToItsCap() {
        fc.executeVoid(Flaky.class, Flaky::backoffFlow);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5)),
                sleeper.sleeps);
    }

    @Test
    void optionsSetInCodeWinOverTheAnnotation() {
        try (Flowcore custom = TestEngines.inMemory(home.resolve("other"), cfg -> cfg.sleeper(sleeper)
                .taskOptions(Flaky.class, "fetch", o -> o.withRetry(RetryPolicy.fixed(5, Duration.ofMillis(10)))))) {
            FlowRun<String> run = custom.execute(Flaky.class, f -> f.flaky(5));
            assertEquals("data", run.result());
            assertEquals(5, sleeper.sleeps.size());
            assertTrue(sleeper.sleeps.stream().allMatch(Duration.ofMillis(10)::equals));
        }
    }

    @Test
    void aTaskPastItsTimeoutEndsTimedOutAndItsThreadIsInterrupted() throws InterruptedException {
        FlowRun<Void> run = fc.executeVoid(Flaky.class, Flaky::slowTask);

        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the task's thread was not interrupted");
        TaskRunRecord slow = run.taskRuns().getFirst();
        assertEquals("TimedOut", slow.state().name());
        assertEquals(StateType.FAILED, slow.state().type());
        assertEquals(StateType.FAILED, run.state().type());
    }

    @Test
    void aFlowPastItsTimeoutEndsTimedOut() throws InterruptedException {
        FlowRun<Void> run = fc.executeVoid(Flaky.class, f -> {
            try {
                f.slowFlow();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
        assertEquals("TimedOut", run.state().name());
        assertFalse(run.isCompleted());
    }

    @Test
    void aFlowWithRetriesRunsItsBodyAgain() {
        FlowRun<String> run = fc.execute(Flaky.class, Flaky::flowRetry);
        assertEquals("second attempt", run.result());
        assertEquals(List.of("Pending", "Running", "AwaitingRetry", "Retrying", "Completed"), names(fc, run.id()));
    }

    @Test
    void aFlowRetriesWithTheTasksModelBackoffAndRetryOn() {
        FlowRun<String> run = fc.execute(Flaky.class, f -> f.flowBackoff(3, false));
        assertEquals("attempt 4", run.result());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), sleeper.sleeps);

        calls.set(0);
        sleeper.sleeps.clear();
        FlowRun<String> fatal = fc.execute(Flaky.class, f -> f.flowBackoff(1, true));
        assertEquals(StateType.FAILED, fatal.state().type());
        assertEquals(1, calls.get(), "an exception retryOn does not name is not retried");
        assertEquals(List.of(), sleeper.sleeps);
    }

    @Test
    void flowOptionsSetInCodeWinOverTheAnnotationAndATypoFailsAtOnce() {
        try (Flowcore custom = TestEngines.inMemory(home.resolve("flows"), cfg -> cfg.sleeper(sleeper)
                .flowOptions(Flaky.class, "flowBackoff", o -> o.withRetry(RetryPolicy.fixed(1, Duration.ofMillis(10)))))) {
            FlowRun<String> run = custom.execute(Flaky.class, f -> f.flowBackoff(3, false));
            assertEquals(StateType.FAILED, run.state().type());
            assertEquals(2, calls.get());
            assertEquals(List.of(Duration.ofMillis(10)), sleeper.sleeps);
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TestEngines.inMemory(home.resolve("typo"), cfg -> cfg.flowOptions(Flaky.class, "flowBakcoff", o -> o)));
        assertTrue(e.getMessage().contains("has no @Flow method named 'flowBakcoff'"), e.getMessage());
        assertTrue(e.getMessage().contains("flowBackoff"), e.getMessage());
    }

    @Test
    void retryDelaysArePureMath() {
        RetryPolicy p = RetryPolicy.exponential(5, Duration.ofSeconds(1), 3, Duration.ofSeconds(20));
        assertEquals(Duration.ofSeconds(1), p.delayBefore(1, () -> 0.5));
        assertEquals(Duration.ofSeconds(9), p.delayBefore(3, () -> 0.5));
        assertEquals(Duration.ofSeconds(20), p.delayBefore(5, () -> 0.5));
        RetryPolicy jittered = RetryPolicy.fixed(1, Duration.ofSeconds(10)).withJitter(0.5);
        assertEquals(Duration.ofSeconds(5), jittered.delayBefore(1, () -> 0.0));
        assertEquals(Duration.ofSeconds(15), jittered.delayBefore(1, () -> 1.0));
        AtomicBoolean unused = new AtomicBoolean();
        assertFalse(unused.get());
    }
}
