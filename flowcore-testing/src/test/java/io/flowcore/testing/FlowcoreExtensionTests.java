package io.flowcore.testing;

import static io.flowcore.testing.FlowRunAssert.assertThatRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

@DisplayName("the test kit: FlowcoreExtension, ManualClock, RecordingSleeper, FlowRunAssert")
class FlowcoreExtensionTests {
    static final AtomicInteger calls = new AtomicInteger();

    public static class Pipeline {
        @Task(retries = 2, retryDelaySeconds = 30)
        public int flaky(int failures) {
            if (calls.incrementAndGet() <= failures) throw new IllegalStateException("try again");
            return calls.get();
        }

        @Task(cache = CacheMode.INPUTS, cacheExpirationSeconds = 3600)
        public String fetch(String url) {
            calls.incrementAndGet();
            return "body of " + url;
        }

        @Flow
        public int retrying(int failures) {
            return flaky(failures);
        }

        @Flow
        public String fetchTwice(String url) {
            return fetch(url) + fetch(url);
        }
    }

    @RegisterExtension
    FlowcoreExtension flowcore = FlowcoreExtension.inMemory();

    @Test
    void retryDelaysAreRecordedAndMoveTheClockInsteadOfWaiting() {
        calls.set(0);
        Instant start = flowcore.clock().instant();

        FlowRun<Integer> run = flowcore.engine().execute(Pipeline.class, f -> f.retrying(2));

        assertThatRun(run).isCompleted().hasStateHistory("Pending", "Running", "Completed").hasTaskRuns("flaky-0");
        assertEquals(3, run.result());
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(30)), flowcore.sleeper().sleeps());
        assertEquals(start.plusSeconds(60), flowcore.clock().instant());
    }

    @Test
    void theManualClockExpiresACachedResult() {
        calls.set(0);
        Flowcore fc = flowcore.engine();
        fc.execute(Pipeline.class, f -> f.fetchTwice("a"));
        assertThatRun(fc.execute(Pipeline.class, f -> f.fetchTwice("a"))).hasTaskRun("fetch-0", "Cached");
        flowcore.clock().advance(Duration.ofHours(2));
        assertThatRun(fc.execute(Pipeline.class, f -> f.fetchTwice("a"))).hasTaskRun("fetch-0", "Completed");
        assertEquals(2, calls.get());
    }

    @Test
    void aFailedAssertionSaysWhatTheRunDid() {
        calls.set(0);
        FlowRun<Integer> failed = flowcore.engine().execute(Pipeline.class, f -> f.retrying(5));

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThatRun(failed).isCompleted());
        assertTrue(e.getMessage().contains("expected the run to end COMPLETED but it is Failed"), e.getMessage());
        assertTrue(e.getMessage().contains("flaky-0=Failed"), e.getMessage());
        assertTrue(e.getMessage().contains("try again"), e.getMessage());
        assertThatRun(failed).isFailed();
        AssertionFailedError missing = assertThrows(AssertionFailedError.class,
                () -> assertThatRun(failed).hasTaskRun("load-0", "Completed"));
        assertTrue(missing.getMessage().contains("no task run named load-0"), missing.getMessage());
    }

    @Test
    void theClockOnlyMovesForwardUnlessSet() {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        assertEquals(Instant.EPOCH.minusSeconds(5), clock.set(Instant.EPOCH.minusSeconds(5)).instant());
    }

    /** Run through the JUnit engine: the extension's own life cycle, as a user's test class sees it. */
    @ExtendWith(FlowcoreExtension.class)
    static class UserTests {
        @Test
        void getsItsEngineClockAndSleeperAsParameters(Flowcore fc, ManualClock clock, RecordingSleeper sleeper) {
            calls.set(0);
            assertThatRun(fc.execute(Pipeline.class, f -> f.retrying(1))).isCompleted();
            assertEquals(List.of(Duration.ofSeconds(30)), sleeper.sleeps());
            assertEquals(ManualClock.DEFAULT_START.plusSeconds(30), clock.instant());
        }
    }

    static class SqliteUserTests {
        static Path home;

        @RegisterExtension
        FlowcoreExtension flowcore = FlowcoreExtension.sqlite();

        @Test
        void keepsRunsInASqliteDatabaseInItsTemporaryHome() {
            home = flowcore.home();
            assertThatRun(flowcore.engine().execute(Pipeline.class, f -> f.fetchTwice("b"))).isCompleted();
            assertEquals("sqlite", flowcore.engine().history().storeName());
            assertTrue(Files.exists(home.resolve("flowcore.db")));
        }
    }

    @Test
    void aUserTestClassGetsParametersAndItsHomeIsDeletedAfterward() {
        Events ok = EngineTestKit.engine("junit-jupiter").selectors(selectClass(UserTests.class)).execute().testEvents();
        ok.assertStatistics(s -> s.succeeded(1).failed(0));
        Events sqlite = EngineTestKit.engine("junit-jupiter").selectors(selectClass(SqliteUserTests.class)).execute()
                .testEvents();
        sqlite.assertStatistics(s -> s.succeeded(1).failed(0));
        assertTrue(!Files.exists(SqliteUserTests.home), "the temporary home is deleted after the test");
    }
}
