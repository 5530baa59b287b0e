package io.flowcore.engine.internal.schedule;

import io.flowcore.api.deployment.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/* anchor + k × every, for every integer k: elapsed time, or calendar days (same wall-clock time) for whole days. */
final class IntervalTimes implements ScheduleTimes {
    private static final long DAY_SECONDS = 86_400;

    private final Schedule.Interval interval;
    private final ZoneId zone;
    private final long everySeconds;

    IntervalTimes(Schedule.Interval interval) {
        this.interval = interval;
        this.zone = ZoneId.of(interval.timezone());
        this.everySeconds = interval.every().toSeconds();
    }

    @Override
    public Optional<Instant> next(Instant after) {
        if (everySeconds % DAY_SECONDS == 0) {
            long days = everySeconds / DAY_SECONDS;
            long between = ChronoUnit.DAYS.between(interval.anchor().toLocalDate(), after.atZone(zone).toLocalDate());
            for (long k = Math.floorDiv(between, days) - 1; ; k++) {
                Instant i = ZonedDateTime.of(interval.anchor().plusDays(k * days), zone).toInstant();
                if (i.isAfter(after)) return Optional.of(i);
            }
        }
        Instant anchor = ZonedDateTime.of(interval.anchor(), zone).toInstant();
        long k = Math.floorDiv(after.getEpochSecond() - anchor.getEpochSecond(), everySeconds) + 1;
        Instant i = anchor.plusSeconds(k * everySeconds);
        return Optional.of(i.isAfter(after) ? i : i.plusSeconds(everySeconds));
    }
}
