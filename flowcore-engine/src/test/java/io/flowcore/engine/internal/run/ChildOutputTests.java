package io.flowcore.engine.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A child JVM's console lines in its run's log: the run's log line has a time, so the child's own goes. */
class ChildOutputTests {
    @Test
    void dropsATimestampTheChildsConsolePatternPutFirst() {
        assertEquals("INFO  flowcore.flow - loaded 12 rows",
                DelegatedRun.withoutLeadingTime("08:33:34.808 INFO  flowcore.flow - loaded 12 rows"));
        assertEquals("INFO main loaded", DelegatedRun.withoutLeadingTime("2026-12-03 08:33:34,808 INFO main loaded"));
        assertEquals("WARN x", DelegatedRun.withoutLeadingTime("2026-12-03T08:33:34.808123Z WARN x"));
        assertEquals("[main] INFO x", DelegatedRun.withoutLeadingTime("[08:33:34.808] [main] INFO x"));
    }

    @Test
    void keepsLinesThatDoNotStartWithATime() {
        assertEquals("rows 08:33:34 done", DelegatedRun.withoutLeadingTime("rows 08:33:34 done"));
        assertEquals("12:00:00", DelegatedRun.withoutLeadingTime("12:00:00")); // nothing but a time: kept as it is
        assertEquals("12:00:00", DelegatedRun.withoutLeadingTime("12:00:00 ").strip());
        assertEquals("1234-56 text", DelegatedRun.withoutLeadingTime("1234-56 text"));
    }
}
