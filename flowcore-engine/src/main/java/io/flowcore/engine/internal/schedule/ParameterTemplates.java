package io.flowcore.engine.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills in the parameters of a run a schedule creates. In any text value, {@code {{ scheduled }}} is the
 * run's instant and {@code {{ interval.start }}} / {@code {{ interval.end }}} are the schedule's previous
 * and this instant (Airflow's data interval: the run on 1 February covers January), each in the schedule's
 * time zone, as ISO-8601, or one part with {@code .year}, {@code .month}, {@code .day} or {@code .date}. A
 * value that had a template is parsed as JSON when it parses, so {@code "{{ interval.start.month }}"}
 * becomes the number 1; the result is then converted and validated like any parameter.
 */
public final class ParameterTemplates {
    // Trailing tokens fail, so "2021-01-01" stays text instead of becoming 2021.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern VAR = Pattern.compile("\\{\\{\\s*([A-Za-z_.]+)\\s*}}");
    private static final List<String> VARIABLES = List.of("scheduled", "interval.start", "interval.end");
    private static final List<String> PARTS = List.of("year", "month", "day", "date");

    private ParameterTemplates() {
    }

    /**
     * {@code parametersJson} (a JSON object) with its templates filled in.
     *
     * @throws IllegalArgumentException naming the parameter and the template when a variable is unknown
     */
    public static String render(String parametersJson, ZonedDateTime scheduled, ZonedDateTime start, ZonedDateTime end) {
        Map<String, ZonedDateTime> vars = Map.of("scheduled", scheduled, "interval.start", start, "interval.end", end);
        try {
            JsonNode root = JSON.readTree(parametersJson);
            return render(root, "", vars).toString();
        } catch (IOException e) {
            throw new IllegalArgumentException("parameters are not a JSON object: " + parametersJson, e);
        }
    }

    /**
     * The parameters of {@code merged} that kept a template because nobody gave them: a run created by hand
     * (not by a schedule or a backfill) has no interval to fill them with, so it must name them.
     */
    public static List<Violation> unfilled(ObjectNode merged, Set<String> given) {
        List<Violation> found = new ArrayList<>();
        for (var e : merged.properties()) {
            if (given.contains(e.getKey()) || !hasTemplate(e.getValue())) continue;
            found.add(new Violation(e.getKey(), e.getValue().toString(), "is a template, filled only in the runs a "
                    + "schedule or a backfill creates: give '" + e.getKey() + "' for a run created by hand"));
        }
        return found;
    }

    private static boolean hasTemplate(JsonNode n) {
        if (n.isTextual()) return VAR.matcher(n.asText()).find();
        for (JsonNode child : n) {
            if (hasTemplate(child)) return true;
        }
        return false;
    }

    private static JsonNode render(JsonNode n, String path, Map<String, ZonedDateTime> vars) {
        if (n.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                out.set(e.getKey(), render(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), vars));
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            for (int i = 0; i < n.size(); i++) out.add(render(n.get(i), path + "[" + i + "]", vars));
            return out;
        }
        if (!n.isTextual() || !n.asText().contains("{{")) return n;
        String text = n.asText();
        Matcher m = VAR.matcher(text);
        StringBuilder rendered = new StringBuilder();
        while (m.find()) m.appendReplacement(rendered, Matcher.quoteReplacement(value(m.group(1), path, text, vars)));
        m.appendTail(rendered);
        if (rendered.indexOf("{{") >= 0) {
            throw new IllegalArgumentException("parameter '" + path + "' = \"" + text + "\": a template is not closed or "
                    + "not a variable; use " + VARIABLES + " with ." + String.join("/.", PARTS));
        }
        try {
            JsonNode parsed = JSON.readTree(rendered.toString());
            return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(rendered.toString()) : parsed;
        } catch (IOException notJson) {
            return TextNode.valueOf(rendered.toString());
        }
    }

    private static String value(String variable, String path, String text, Map<String, ZonedDateTime> vars) {
        for (String v : VARIABLES) {
            if (variable.equals(v)) return vars.get(v).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            if (!variable.startsWith(v + ".")) continue;
            ZonedDateTime t = vars.get(v);
            switch (variable.substring(v.length() + 1)) {
                case "year": return Integer.toString(t.getYear());
                case "month": return Integer.toString(t.getMonthValue());
                case "day": return Integer.toString(t.getDayOfMonth());
                case "date": return t.toLocalDate().toString();
                default: break;
            }
        }
        throw new IllegalArgumentException("parameter '" + path + "' = \"" + text + "\": unknown template variable '"
                + variable + "'; use " + VARIABLES + ", optionally with ." + String.join("/.", PARTS));
    }
}
