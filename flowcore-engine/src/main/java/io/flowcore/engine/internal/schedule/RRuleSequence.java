package io.flowcore.engine.internal.schedule;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.TimeZone;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/* An RFC 5545 RRULE (lib-recur) from DTSTART, matched on the wall clock: iterated in UTC, which has no DST. */
final class RRuleSequence implements LocalSequence {
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private final RecurrenceRule rule;
    private final DateTime start;

    private RRuleSequence(RecurrenceRule rule, LocalDateTime start) {
        this.rule = rule;
        this.start = new DateTime(UTC, start.getYear(), start.getMonthValue() - 1, start.getDayOfMonth(),
                start.getHour(), start.getMinute(), start.getSecond());
    }

    static RRuleSequence parse(String text, LocalDateTime start) {
        try {
            return new RRuleSequence(new RecurrenceRule(text, RecurrenceRule.RfcMode.RFC5545_STRICT), start);
        } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
            throw new IllegalArgumentException("rrule '" + text + "' is invalid (RFC 5545): " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<LocalDateTime> nextAfter(LocalDateTime after) {
        RecurrenceRuleIterator it = rule.iterator(start);
        long afterMillis = after.toInstant(ZoneOffset.UTC).toEpochMilli();
        it.fastForward(afterMillis);
        // fastForward keeps an instance at exactly `after`: step past it, the sequence must move on.
        while (it.hasNext()) {
            long next = it.nextMillis();
            if (next > afterMillis) return Optional.of(LocalDateTime.ofEpochSecond(Math.floorDiv(next, 1000), 0, ZoneOffset.UTC));
        }
        return Optional.empty();
    }

    @Override
    public boolean severalPerDay() {
        return EnumSet.of(Freq.HOURLY, Freq.MINUTELY, Freq.SECONDLY).contains(rule.getFreq());
    }
}
