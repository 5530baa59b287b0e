package io.flowcore.engine.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.deployment.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("upcoming instants kept between scheduler passes")
class UpcomingTests {

    /** What a pass asked the schedule afresh before: the next 3 instants and all in the next hour. */
    private static List<Instant> fresh(ScheduleTimes times, Instant now) {
        TreeSet<Instant> due = new TreeSet<>(times.next(now.minusNanos(1), 3));
        due.addAll(times.between(now, now.plus(Duration.ofHours(1))));
        return new ArrayList<>(due);
    }

    @ParameterizedTest
    @ValueSource(strings = {"* * * * *", "0 * * * *", "30 1 * * *", "30 2 * * *", "0 5 1 * *", "*/7 * * * *"})
    void passesEveryFewMinutesAcrossBothDstChangesSeeWhatAFreshComputationSees(String cron) {
        Schedule s = Schedule.cron(cron).withTimezone("America/New_York");
        Upcoming upcoming = new Upcoming(ScheduleTimes.of(s));
        ScheduleTimes times = ScheduleTimes.of(s);
        for (String day : List.of("2021-03-13T20:00:00Z", "2021-11-06T20:00:00Z")) {
            Instant now = Instant.parse(day);
            // steps of 10 s, 7 min and 95 min, so passes land on, just after and far from instants
            long[] steps = {10, 420, 5700};
            for (int k = 0; k < 120; k++) {
                assertEquals(fresh(times, now), upcoming.due(now, 3, Duration.ofHours(1)), cron + " at " + now);
                now = now.plusSeconds(steps[k % steps.length]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"* * * * *", "0 * * * *"})
    void aClockThatMovesBackOrJumpsFarStartsAfresh(String cron) {
        Schedule s = Schedule.cron(cron).withTimezone("America/New_York");
        Upcoming upcoming = new Upcoming(ScheduleTimes.of(s));
        ScheduleTimes times = ScheduleTimes.of(s);
        for (String at : List.of("2021-11-07T06:10:00Z", "2021-11-07T05:10:00Z", "2022-03-13T06:59:59Z", "2021-01-01T00:00:00Z")) {
            Instant now = Instant.parse(at);
            assertEquals(fresh(times, now), upcoming.due(now, 3, Duration.ofHours(1)), cron + " at " + now);
        }
    }
}
