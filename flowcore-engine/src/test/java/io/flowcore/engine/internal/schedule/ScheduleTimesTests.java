package io.flowcore.engine.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Schedule instants, daylight-saving time included")
class ScheduleTimesTests {
    private static final ZoneId NY = ZoneId.of("America/New_York");
    private static final LocalDate SPRING_FORWARD = LocalDate.of(2021, 3, 14);
    private static final LocalDate FALL_BACK = LocalDate.of(2021, 11, 7);

    private static List<Instant> onDay(Schedule s, LocalDate day) {
        return ScheduleTimes.of(s).between(day.atStartOfDay(NY).toInstant(), day.plusDays(1).atStartOfDay(NY).toInstant());
    }

    private static Instant ny(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(NY).toInstant();
    }

    @Test
    void aDaily0230FiresOnceAt0300OnTheSpringForwardDay() {
        List<Instant> fired = onDay(Schedule.cron("30 2 * * *").withTimezone("America/New_York"), SPRING_FORWARD);
        assertEquals(List.of(Instant.parse("2021-03-14T07:00:00Z")), fired);
        assertEquals("2021-03-14T03:00-04:00[America/New_York]", fired.getFirst().atZone(NY).toString());
    }

    @Test
    void aDaily0130FiresOnceAtTheFirst0130OnTheFallBackDay() {
        List<Instant> fired = onDay(Schedule.cron("30 1 * * *").withTimezone("America/New_York"), FALL_BACK);
        assertEquals(List.of(Instant.parse("2021-11-07T05:30:00Z")), fired, "01:30 EDT, not 01:30 EST");
    }

    @Test
    void anHourlyScheduleFiresOncePerUtcHour() {
        Schedule hourly = Schedule.cron("0 * * * *").withTimezone("America/New_York");
        List<Instant> spring = onDay(hourly, SPRING_FORWARD);
        List<Instant> fall = onDay(hourly, FALL_BACK);
        assertEquals(23, spring.size(), spring.toString());
        assertEquals(25, fall.size(), fall.toString());
        for (List<Instant> day : List.of(spring, fall)) {
            for (int i = 1; i < day.size(); i++) {
                assertEquals(Duration.ofHours(1), Duration.between(day.get(i - 1), day.get(i)), day.toString());
            }
        }
    }

    @Test
    void nextAndPreviousStepAcrossTheFallBackHourInUtcOrder() {
        ScheduleTimes hourly = ScheduleTimes.of(Schedule.cron("0 * * * *").withTimezone("America/New_York"));
        Instant firstOne = Instant.parse("2021-11-07T05:00:00Z"); // 01:00 EDT
        assertEquals(List.of(Instant.parse("2021-11-07T06:00:00Z"), Instant.parse("2021-11-07T07:00:00Z")),
                hourly.next(firstOne, 2));
        assertEquals(firstOne, hourly.previous(Instant.parse("2021-11-07T06:00:00Z")).orElseThrow());
    }

    @Test
    void aMonthlyCronInNewYorkFiresAtFiveLocalTimeInWinterAndSummer() {
        ScheduleTimes monthly = ScheduleTimes.of(Schedule.cron("0 5 1 * *").withTimezone("America/New_York"));
        assertEquals(List.of(ny("2021-02-01T05:00"), ny("2021-03-01T05:00"), ny("2021-04-01T05:00")),
                monthly.next(ny("2021-01-15T00:00"), 3));
        assertEquals(ny("2021-01-01T05:00"), monthly.previous(ny("2021-02-01T05:00")).orElseThrow());
        assertEquals(Instant.parse("2021-04-01T09:00:00Z"), ny("2021-04-01T05:00"), "EDT is UTC-4");
    }

    @Test
    void quartzExpressionsHaveSecondsFirst() {
        ScheduleTimes q = ScheduleTimes.of(Schedule.cron("15 0 12 ? * MON-FRI"));
        assertEquals(List.of(Instant.parse("2021-03-12T12:00:15Z"), Instant.parse("2021-03-15T12:00:15Z")),
                q.next(Instant.parse("2021-03-12T00:00:00Z"), 2), "Friday then Monday");
    }

    @Test
    void anIntervalCountsFromItsAnchorAndWholeDaysKeepTheWallClock() {
        ScheduleTimes every90m = ScheduleTimes.of(Schedule.every(Duration.ofMinutes(90))
                .withAnchor(LocalDateTime.parse("2021-01-01T00:00")));
        assertEquals(List.of(Instant.parse("2021-01-01T01:30:00Z"), Instant.parse("2021-01-01T03:00:00Z")),
                every90m.next(Instant.parse("2021-01-01T00:00:00Z"), 2));
        ScheduleTimes daily = ScheduleTimes.of(Schedule.every(Duration.ofDays(1))
                .withAnchor(LocalDateTime.parse("2021-03-01T09:00")).withTimezone("America/New_York"));
        assertEquals(List.of(ny("2021-03-13T09:00"), ny("2021-03-14T09:00"), ny("2021-03-15T09:00")),
                daily.between(ny("2021-03-13T00:00"), ny("2021-03-16T00:00")), "23 h apart across the change, 09:00 each day");
        ScheduleTimes hourly = ScheduleTimes.of(Schedule.every(Duration.ofHours(1)).withTimezone("America/New_York"));
        assertEquals(25, hourly.between(FALL_BACK.atStartOfDay(NY).toInstant(),
                FALL_BACK.plusDays(1).atStartOfDay(NY).toInstant()).size());
    }

    @Test
    void anRRuleFollowsItsStartAndZone() {
        ScheduleTimes r = ScheduleTimes.of(Schedule.rrule("RRULE:FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=5;BYMINUTE=0")
                .withStart(LocalDateTime.parse("2021-01-01T00:00")).withTimezone("America/New_York"));
        assertEquals(List.of(ny("2021-02-01T05:00"), ny("2021-03-01T05:00"), ny("2021-04-01T05:00")),
                r.next(ny("2021-01-15T00:00"), 3));
        ScheduleTimes limited = ScheduleTimes.of(Schedule.rrule("FREQ=DAILY;COUNT=2")
                .withStart(LocalDateTime.parse("2021-06-01T08:00")));
        assertEquals(List.of(Instant.parse("2021-06-01T08:00:00Z"), Instant.parse("2021-06-02T08:00:00Z")),
                limited.next(Instant.parse("2021-01-01T00:00:00Z"), 5), "COUNT ends it");
        ScheduleTimes hourly = ScheduleTimes.of(Schedule.rrule("FREQ=HOURLY").withTimezone("America/New_York"));
        assertEquals(23, onDayOf(hourly, SPRING_FORWARD));
    }

    private static int onDayOf(ScheduleTimes t, LocalDate day) {
        return t.between(day.atStartOfDay(NY).toInstant(), day.plusDays(1).atStartOfDay(NY).toInstant()).size();
    }

    @Test
    void anInvalidCronOrRRuleQuotesTheExpressionAndWhereItFails() {
        var cron = assertThrows(IllegalArgumentException.class, () -> ScheduleTimes.of(Schedule.cron("0 5 32 * *")));
        assertTrue(cron.getMessage().startsWith("cron '0 5 32 * *' is invalid"), cron.getMessage());
        assertTrue(cron.getMessage().contains("32"), cron.getMessage());
        var fields = assertThrows(IllegalArgumentException.class, () -> ScheduleTimes.of(Schedule.cron("0 5 1 *")));
        assertTrue(fields.getMessage().contains("has 4 fields"), fields.getMessage());
        var rrule = assertThrows(IllegalArgumentException.class, () -> ScheduleTimes.of(Schedule.rrule("FREQ=DAILY;BYHOUR=25")));
        assertTrue(rrule.getMessage().startsWith("rrule 'FREQ=DAILY;BYHOUR=25' is invalid"), rrule.getMessage());
    }

    @Test
    void anUnknownZoneOrANonPositiveIntervalIsRefusedNamingTheField() {
        var zone = assertThrows(IllegalArgumentException.class, () -> Schedule.cron("0 5 * * *").withTimezone("Mars/Olympus"));
        assertTrue(zone.getMessage().contains("'timezone'") && zone.getMessage().contains("Mars/Olympus"), zone.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ZERO));
        assertTrue(zero.getMessage().contains("'interval' must be more than zero"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ofMinutes(-5)));
    }

    @Test
    void previousOfTheFirstInstantIsEmpty() {
        ScheduleTimes once = ScheduleTimes.of(Schedule.rrule("FREQ=YEARLY;COUNT=1").withStart(LocalDateTime.parse("2021-01-01T00:00")));
        assertTrue(once.previous(ZonedDateTime.parse("2021-01-01T00:00Z").toInstant()).isEmpty());
    }
}
