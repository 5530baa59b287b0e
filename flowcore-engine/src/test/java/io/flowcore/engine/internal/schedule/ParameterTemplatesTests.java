package io.flowcore.engine.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("parameter templates of scheduled runs")
class ParameterTemplatesTests {
    private static final ZonedDateTime JAN = ZonedDateTime.parse("2021-01-01T05:00-05:00[America/New_York]");
    private static final ZonedDateTime FEB = ZonedDateTime.parse("2021-02-01T05:00-05:00[America/New_York]");

    private static String render(String json) {
        return ParameterTemplates.render(json, FEB, JAN, FEB);
    }

    @Test
    void aRenderedValueIsJsonWhenItParsesAndTextOtherwise() {
        assertEquals("{\"year\":2021,\"months\":[1],\"day\":\"2021-01-01\",\"at\":\"2021-02-01T05:00:00-05:00\","
                        + "\"label\":\"month 1 of 2021\",\"untouched\":\"7\"}",
                render("{\"year\":\"{{ interval.start.year }}\",\"months\":[\"{{interval.start.month}}\"],"
                        + "\"day\":\"{{ interval.start.date }}\",\"at\":\"{{ scheduled }}\","
                        + "\"label\":\"month {{ interval.start.month }} of {{ interval.end.year }}\",\"untouched\":\"7\"}"));
    }

    @Test
    void anUnknownVariableOrAnUnclosedTemplateNamesTheParameter() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> render("{\"w\":{\"m\":[\"{{ interval.month }}\"]}}"));
        assertTrue(unknown.getMessage().startsWith("parameter 'w.m[0]' = \"{{ interval.month }}\": unknown template "
                + "variable 'interval.month'"), unknown.getMessage());
        var open = assertThrows(IllegalArgumentException.class, () -> render("{\"y\":\"{{ scheduled.year\"}"));
        assertTrue(open.getMessage().startsWith("parameter 'y'"), open.getMessage());
    }

    @Test
    void aRunCreatedByHandMustNameEachParameterThatWouldKeepATemplate() throws Exception {
        var merged = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("""
                        {"year": "{{ interval.start.year }}", "months": ["{{ interval.start.month }}"],
                         "settings": {"day": "{{ scheduled.date }}"}, "color": "yellow", "note": "{{ not closed"}""");

        var found = ParameterTemplates.unfilled(merged, java.util.Set.of("year"));

        assertEquals(java.util.List.of("months", "settings"), found.stream().map(v -> v.path()).toList());
        assertEquals("[\"{{ interval.start.month }}\"]", found.getFirst().value());
        assertTrue(found.getFirst().message().startsWith("is a template, filled only in the runs a schedule or a "
                + "backfill creates: give 'months'"), found.getFirst().message());
    }
}
