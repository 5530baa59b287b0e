package io.flowcore.engine.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.deployment.Schedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schedules as JSON, the same shape in the deployments YAML and in the store: one object per schedule with
 * exactly one of {@code cron}, {@code interval} ({@code 90m}, {@code 1h}, {@code 1d} or ISO-8601 such as
 * {@code PT1H30M}) or {@code rrule}, and optionally {@code timezone}, {@code active}, {@code anchor}
 * (interval) or {@code start} (rrule) as a local date-time.
 */
public final class ScheduleJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("cron", "interval", "rrule", "timezone", "active", "anchor", "start");
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private ScheduleJson() {
    }

    /** {@code s} as a JSON object (fields at their defaults are left out). */
    public static ObjectNode toJson(Schedule s) {
        ObjectNode o = JSON.createObjectNode();
        switch (s) {
            case Schedule.Cron c -> o.put("cron", c.expression());
            case Schedule.Interval i -> {
                o.put("interval", i.every().toString());
                if (!i.anchor().equals(Schedule.DEFAULT_START)) o.put("anchor", i.anchor().toString());
            }
            case Schedule.RRule r -> {
                o.put("rrule", r.rule());
                if (!r.start().equals(Schedule.DEFAULT_START)) o.put("start", r.start().toString());
            }
        }
        o.put("timezone", s.timezone());
        if (!s.active()) o.put("active", false);
        return o;
    }

    /** Every schedule as a JSON array, in order. */
    public static String toJson(List<Schedule> schedules) {
        ArrayNode a = JSON.createArrayNode();
        for (Schedule s : schedules) a.add(toJson(s));
        return a.toString();
    }

    /**
     * A stable name for a schedule, the same for the same content: it keys the runs the schedule creates,
     * so an unchanged schedule in a new deployment version keeps its runs.
     */
    public static String key(Schedule s) {
        return toJson(s).toString();
    }

    /** The schedules of a JSON array (null or blank: none). */
    public static List<Schedule> fromJson(String json) {
        if (json == null || json.isBlank()) return List.of();
        try {
            return fromJson(JSON.readTree(json), "schedules");
        } catch (IOException e) {
            throw new UncheckedIOException("stored schedules are not JSON: " + json, e);
        }
    }

    /**
     * The schedules of a JSON (or YAML) list.
     *
     * @param where names the list in errors, e.g. {@code flowcore.yaml: deployments[0].schedules}
     * @throws IllegalArgumentException naming {@code where[i].field} and the bad value
     */
    public static List<Schedule> fromJson(JsonNode list, String where) {
        if (list == null || list.isNull()) return List.of();
        if (!list.isArray()) throw new IllegalArgumentException(where + " must be a list of schedules");
        List<Schedule> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) out.add(one(n, where + "[" + i++ + "]"));
        return out;
    }

    private static Schedule one(JsonNode n, String where) {
        if (!n.isObject()) throw new IllegalArgumentException(where + " is not a mapping");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new IllegalArgumentException(where + ": unknown field '" + f + "' (fields: " + FIELDS + ")");
        }
        List<String> kinds = new ArrayList<>();
        for (String k : List.of("cron", "interval", "rrule")) if (n.has(k)) kinds.add(k);
        if (kinds.size() != 1) {
            throw new IllegalArgumentException(where + ": give exactly one of 'cron', 'interval' or 'rrule' (found " + kinds + ")");
        }
        String zone = text(n, "timezone", where);
        boolean active = !n.has("active") || n.get("active").asBoolean(true);
        if (n.has("active") && !n.get("active").isBoolean()) throw new IllegalArgumentException(where + ".active must be true or false");
        try {
            Schedule s = switch (kinds.getFirst()) {
                case "cron" -> new Schedule.Cron(text(n, "cron", where), zone, active);
                case "interval" -> new Schedule.Interval(duration(text(n, "interval", where), where + ".interval"),
                        localDateTime(text(n, "anchor", where), where + ".anchor"), zone, active);
                default -> new Schedule.RRule(text(n, "rrule", where), localDateTime(text(n, "start", where), where + ".start"),
                        zone, active);
            };
            ScheduleTimes.of(s); // a bad cron or rrule fails here, quoting it
            return s;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new IllegalArgumentException(where + "." + field + " must be text");
        return v.asText();
    }

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT1H30M}). */
    public static Duration duration(String text, String field) {
        if (text == null) throw new IllegalArgumentException(field + " is missing");
        Matcher m = SHORT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a duration (e.g. 90s, 15m, 1h, 1d or PT1H30M)", e);
        }
    }

    private static LocalDateTime localDateTime(String text, String field) {
        if (text == null) return null;
        try {
            return text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a local date-time such as 2021-01-01T05:00", e);
        }
    }
}
