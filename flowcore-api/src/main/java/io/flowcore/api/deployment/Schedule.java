package io.flowcore.api.deployment;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a deployment runs by itself: a cron expression, a fixed interval or an RFC 5545 recurrence rule,
 * each in a time zone (UTC unless set) and active unless paused. A deployment has any number of them;
 * they are part of its content, so a change is a new version. Values with {@code with…} methods return copies.
 *
 * <pre>{@code
 * Schedule monthly = Schedule.cron("0 5 1 * *").withTimezone("America/New_York");
 * Schedule hourly = Schedule.every(Duration.ofHours(1));
 * Schedule weekdays = Schedule.rrule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=6;BYMINUTE=0").paused();
 * }</pre>
 *
 * <p>Cron expressions and recurrence rules are checked when the deployment is applied (the error quotes the
 * expression and says where it fails); a time zone and an interval are checked here.
 */
public sealed interface Schedule permits Schedule.Cron, Schedule.Interval, Schedule.RRule {
    /** Where an interval is counted from and a recurrence rule starts, unless set. */
    LocalDateTime DEFAULT_START = LocalDateTime.of(2000, 1, 1, 0, 0);

    /** The IANA time zone its times are in, e.g. {@code America/New_York}. */
    String timezone();

    /** False when paused: a paused schedule creates no runs and its future runs are removed. */
    boolean active();

    /** This schedule in time zone {@code zone}. */
    Schedule withTimezone(String zone);

    /** This schedule, active or paused. */
    Schedule withActive(boolean active);

    /** This schedule, paused. */
    default Schedule paused() {
        return withActive(false);
    }

    /**
     * A cron schedule: Unix's 5 fields ({@code minute hour day-of-month month day-of-week}) or Quartz's
     * 6 or 7 (seconds first, optional year).
     */
    static Cron cron(String expression) {
        return new Cron(expression, "UTC", true);
    }

    /** Every {@code every}, counted from {@link #DEFAULT_START} in the schedule's zone. */
    static Interval every(Duration every) {
        return new Interval(every, DEFAULT_START, "UTC", true);
    }

    /** An RFC 5545 {@code RRULE} value such as {@code FREQ=DAILY;BYHOUR=5;BYMINUTE=0}, starting at {@link #DEFAULT_START}. */
    static RRule rrule(String rule) {
        return new RRule(rule, DEFAULT_START, "UTC", true);
    }

    /**
     * @param expression 5 fields (Unix) or 6-7 fields (Quartz, seconds first)
     * @param timezone   IANA zone
     * @param active     false when paused
     */
    record Cron(String expression, String timezone, boolean active) implements Schedule {
        public Cron {
            if (expression == null || expression.isBlank()) throw new IllegalArgumentException("schedule 'cron' is empty");
            expression = expression.strip();
            timezone = zone(timezone);
        }

        @Override
        public Cron withTimezone(String zone) {
            return new Cron(expression, zone, active);
        }

        @Override
        public Cron withActive(boolean a) {
            return new Cron(expression, timezone, a);
        }
    }

    /**
     * Every {@code every}, at {@code anchor + k × every}. An interval of whole days keeps the anchor's
     * wall-clock time across daylight-saving changes; a shorter one is elapsed time.
     *
     * @param every    more than zero
     * @param anchor   a local date-time in {@code timezone} that is one of the instants
     * @param timezone IANA zone
     * @param active   false when paused
     */
    record Interval(Duration every, LocalDateTime anchor, String timezone, boolean active) implements Schedule {
        public Interval {
            Objects.requireNonNull(every, "schedule 'interval'");
            if (!every.isPositive()) throw new IllegalArgumentException("schedule 'interval' must be more than zero: " + every);
            if (every.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("schedule 'interval' must be whole seconds: " + every);
            }
            anchor = anchor == null ? DEFAULT_START : anchor;
            timezone = zone(timezone);
        }

        @Override
        public Interval withTimezone(String zone) {
            return new Interval(every, anchor, zone, active);
        }

        @Override
        public Interval withActive(boolean a) {
            return new Interval(every, anchor, timezone, a);
        }

        /** This interval counted from {@code a} (a local date-time in its zone). */
        public Interval withAnchor(LocalDateTime a) {
            return new Interval(every, a, timezone, active);
        }
    }

    /**
     * An RFC 5545 recurrence rule.
     *
     * @param rule     the {@code RRULE} value, e.g. {@code FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=5;BYMINUTE=0}
     *                 (a leading {@code RRULE:} is dropped)
     * @param start    its {@code DTSTART}, a local date-time in {@code timezone}
     * @param timezone IANA zone
     * @param active   false when paused
     */
    record RRule(String rule, LocalDateTime start, String timezone, boolean active) implements Schedule {
        public RRule {
            if (rule == null || rule.isBlank()) throw new IllegalArgumentException("schedule 'rrule' is empty");
            rule = rule.strip();
            if (rule.regionMatches(true, 0, "RRULE:", 0, 6)) rule = rule.substring(6);
            start = start == null ? DEFAULT_START : start;
            timezone = zone(timezone);
        }

        @Override
        public RRule withTimezone(String zone) {
            return new RRule(rule, start, zone, active);
        }

        @Override
        public RRule withActive(boolean a) {
            return new RRule(rule, start, timezone, a);
        }

        /** This rule starting at {@code s} (a local date-time in its zone). */
        public RRule withStart(LocalDateTime s) {
            return new RRule(rule, s, timezone, active);
        }
    }

    private static String zone(String zone) {
        if (zone == null || zone.isBlank()) return "UTC";
        try {
            return ZoneId.of(zone.strip()).getId();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("schedule 'timezone': unknown time zone '" + zone
                    + "' (use an IANA name such as America/New_York or UTC)", e);
        }
    }
}
