package io.flowcore.engine.internal.schedule;

import io.flowcore.api.deployment.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The instants a {@link Schedule} fires at, daylight-saving time included. Cron expressions and recurrence
 * rules are matched against the wall clock of the schedule's zone, then placed on the time line:
 * <ul>
 *   <li>a local time that does not exist (the spring-forward gap) fires once, at the first valid time after
 *       it (a daily 02:30 fires at 03:00); a schedule that fires several times a day skips it instead, since
 *       the hour it belongs to has no instants;</li>
 *   <li>a local time that happens twice (fall-back) fires at its first occurrence, except for schedules that
 *       fire several times a day, which fire at both, so an hourly schedule fires once per UTC hour (25 times
 *       on the fall-back day, 23 on the spring-forward day).</li>
 * </ul>
 * Intervals are elapsed time, except whole days, which keep the anchor's wall-clock time.
 */
public interface ScheduleTimes {

    /** The first instant strictly after {@code after}, if the schedule fires again. */
    Optional<Instant> next(Instant after);

    /** The instants in {@code [from, to)}, in order. */
    default List<Instant> between(Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        Optional<Instant> n = next(from.minusNanos(1));
        while (n.isPresent() && n.get().isBefore(to)) {
            out.add(n.get());
            n = next(n.get());
        }
        return out;
    }

    /** The next {@code count} instants strictly after {@code after}. */
    default List<Instant> next(Instant after, int count) {
        List<Instant> out = new ArrayList<>();
        Instant cursor = after;
        while (out.size() < count) {
            Optional<Instant> n = next(cursor);
            if (n.isEmpty()) break;
            out.add(n.get());
            cursor = n.get();
        }
        return out;
    }

    /** The last instant strictly before {@code before}, looking back up to about 30 years. */
    default Optional<Instant> previous(Instant before) {
        for (Duration window = Duration.ofHours(1); window.toDays() < 12_000; window = window.multipliedBy(2)) {
            List<Instant> in = between(before.minus(window), before);
            if (!in.isEmpty()) return Optional.of(in.getLast());
        }
        return Optional.empty();
    }

    /** {@code s} in words for people, e.g. {@code at 05:00 at 1 day (America/New_York)}. */
    static String describe(Schedule s) {
        String what = switch (s) {
            case Schedule.Cron c -> CronSequence.parse(c.expression()).describe();
            case Schedule.Interval i -> "every " + i.every().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                    + " from " + i.anchor();
            case Schedule.RRule r -> r.rule() + " from " + r.start();
        };
        return what + " (" + s.timezone() + (s.active() ? ")" : ", paused)");
    }

    /**
     * The times of {@code s}.
     *
     * @throws IllegalArgumentException when its cron expression or recurrence rule is invalid, quoting it and
     *                                  saying where it fails
     */
    static ScheduleTimes of(Schedule s) {
        return switch (s) {
            case Schedule.Cron c -> new WallClockTimes(CronSequence.parse(c.expression()), c.timezone());
            case Schedule.RRule r -> new WallClockTimes(RRuleSequence.parse(r.rule(), r.start()), r.timezone());
            case Schedule.Interval i -> new IntervalTimes(i);
        };
    }
}
