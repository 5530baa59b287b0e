package io.flowcore.engine;

import io.flowcore.api.deployment.Schedule;
import io.flowcore.engine.internal.schedule.ScheduleTimes;
import java.time.Instant;
import java.util.List;

/**
 * When a {@link Schedule} fires, worked out without applying it: in words and as instants, as
 * {@code flowcore deployment inspect} shows them. Daylight-saving gaps and overlaps are handled as the scheduler
 * handles them (docs/deployments.md), so the instants are the ones its runs get.
 */
public final class SchedulePreview {
    private SchedulePreview() {
    }

    /**
     * {@code s} in words, e.g. {@code at 05:00 at 1 day (America/New_York)}, with {@code paused} when it is not active.
     *
     * @throws IllegalArgumentException when its cron expression or recurrence rule is invalid, quoting it
     */
    public static String describe(Schedule s) {
        return ScheduleTimes.describe(s);
    }

    /**
     * The next {@code count} instants of {@code s} strictly after {@code after}, in order; fewer when it ends
     * (an rrule with UNTIL or COUNT). An inactive schedule's instants are listed too: they are when it would fire.
     *
     * @throws IllegalArgumentException when its cron expression or recurrence rule is invalid, quoting it
     */
    public static List<Instant> next(Schedule s, Instant after, int count) {
        return ScheduleTimes.of(s).next(after, count);
    }
}
