package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.engine.internal.run.DeploymentService;
import io.flowcore.engine.internal.schedule.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a scheduling worker waits until the next planned run is due")
class SchedulerWaitTests {
    @TempDir
    Path home;

    @Test
    void aSchedulingWorkerWaitsUntilTheNextPlannedRunWhenThatIsSoonerThanItsPollAndThePollOtherwise() {
        TestEngines.ManualClock clock = new TestEngines.ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        Duration poll = Duration.ofMinutes(10);
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).clock(clock).store(StateStores.inMemory()))) {
            assertEquals(poll.toNanos(), Scheduler.waitNanos(null, clock, poll), "a worker that does not schedule polls");
            Scheduler scheduler = new Scheduler(new DeploymentService(fc.engineForTest()), new Scheduler.Settings(3, Duration.ZERO));
            assertEquals(poll.toNanos(), Scheduler.waitNanos(scheduler, clock, poll), "before the first pass: the poll");

            fc.deployments().apply(Deployment.of(OverlapTests.Step.class, "step", "every5").withParameters(Map.of("n", 1))
                    .withSchedules(Schedule.every(Duration.ofMinutes(5))));
            scheduler.pass();
            Instant next = fc.history().flowRuns(FlowRunQuery.all()).stream().map(r -> r.state().scheduledTime())
                    .filter(t -> t.isAfter(clock.instant())).min(Instant::compareTo).orElseThrow();
            assertEquals(Duration.between(clock.instant(), next).toNanos(), Scheduler.waitNanos(scheduler, clock, poll));

            clock.advance(Duration.between(clock.instant(), next));
            assertEquals(Duration.ofMinutes(5).toNanos(), Scheduler.waitNanos(scheduler, clock, poll),
                    "at a planned instant: until the one after it");
            clock.advance(Duration.ofMinutes(11));
            assertEquals(poll.toNanos(), Scheduler.waitNanos(scheduler, clock, poll),
                    "every planned instant passed: the poll, until the next pass plans more");
        }
    }
}
