package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/*
 * Checks a parameters object against a schema written by SchemaWriter, for a process that does not have
 * the flow's classes (the CLI, a server). Hand-written on purpose: it covers exactly the subset
 * SchemaWriter emits, and it must judge values the way the worker's binder converts them, which a
 * general JSON Schema validator would not:
 * - null counts as absent (the binder passes the Java default for both), and a missing value with a
 *   "default" is checked as that default, before required/minimum/...;
 * - a number or boolean is accepted for a plain "string" (no format, no enum): the binder takes its text;
 * - a value of the wrong type gets one message and its constraints are not checked further;
 * - messages are Hibernate Validator's English defaults, so both report the same words.
 * A keyword it does not know is ignored.
 */
final class SchemaChecker {
    private final List<Violation> found = new ArrayList<>();
    private final List<String> parameterNames = new ArrayList<>();

    private SchemaChecker() {
    }

    static List<Violation> check(JsonNode schema, JsonNode parameters) {
        SchemaChecker c = new SchemaChecker();
        schema.path("properties").fieldNames().forEachRemaining(c.parameterNames::add);
        c.object(schema, parameters, "");
        return Violations.sorted(c.found, c.parameterNames);
    }

    private void value(JsonNode schema, JsonNode node, String path) {
        if (!typeFits(schema, node)) {
            add(path, node, Violations.expected(schema));
            return;
        }
        if (node.isValueNode() && !node.isTextual() && "string".equals(schema.path("type").asText())) {
            node = com.fasterxml.jackson.databind.node.TextNode.valueOf(node.asText());   // the text the binder takes
        }
        JsonNode values = schema.get("enum");
        if (values != null && !contains(values, node)) {
            add(path, node, Violations.expected(schema));
            return;
        }
        if ("date".equals(schema.path("format").asText()) && !isDate(node.asText())) {
            add(path, node, Violations.expected(schema));
            return;
        }
        if (node.isNumber()) bounds(schema, node, path);
        size(schema, node, path);
        if (schema.has("pattern") && !node.isContainerNode()) pattern(schema.get("pattern").asText(), node, path);
        if (node.isArray() && schema.has("items")) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isNull()) value(schema.get("items"), item, path + "[" + i + "]");
            }
        }
        if (node.isObject()) object(schema, node, path);
    }

    private void object(JsonNode schema, JsonNode node, String path) {
        JsonNode properties = schema.path("properties");
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
            String at = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
            JsonNode v = node.get(p.getKey());
            if (v == null || v.isNull()) v = p.getValue().get("default");
            if (v == null) {
                if (required.contains(p.getKey())) add(at, null, isNotEmpty(p.getValue()) ? "must not be empty" : "must not be null");
                continue;
            }
            value(p.getValue(), v, at);
        }
        JsonNode others = schema.get("additionalProperties");
        if (others == null) return;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (properties.has(e.getKey())) continue;
            if (others.isBoolean() && !others.asBoolean()) {
                add(e.getKey(), e.getValue(), Violations.notAParameter(parameterNames));
            } else if (others.isObject() && !e.getValue().isNull()) {
                value(others, e.getValue(), path + "[" + e.getKey() + "]");
            }
        }
    }

    private static boolean typeFits(JsonNode schema, JsonNode node) {
        return switch (schema.path("type").asText("")) {
            case "integer" -> node.isIntegralNumber();
            case "number" -> node.isNumber();
            case "boolean" -> node.isBoolean();
            case "array" -> node.isArray();
            case "object" -> node.isObject();
            case "string" -> node.isTextual() || (!schema.has("format") && !schema.has("enum")
                    && (node.isNumber() || node.isBoolean()));
            default -> true;
        };
    }

    private void bounds(JsonNode schema, JsonNode node, String path) {
        if (schema.has("minimum") && node.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
            add(path, node, "must be greater than or equal to " + schema.get("minimum").asText());
        }
        if (schema.has("maximum") && node.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
            add(path, node, "must be less than or equal to " + schema.get("maximum").asText());
        }
    }

    /** {@code @Size} (both bounds written) and {@code @NotEmpty} (only the minimum 1), in HV's words. */
    private void size(JsonNode schema, JsonNode node, String path) {
        String[] keys = SchemaWriter.sizeKeywords(schema);
        if (keys == null || !schema.has(keys[0])) return;
        int size = node.isContainerNode() ? node.size() : node.asText().length();
        JsonNode min = schema.get(keys[0]);
        JsonNode max = schema.get(keys[1]);
        if (max == null) {
            if (size < min.asInt()) add(path, node, "must not be empty");
        } else if (size < min.asInt() || size > max.asInt()) {
            add(path, node, "size must be between " + min.asText() + " and " + max.asText());
        }
    }

    private static boolean isNotEmpty(JsonNode schema) {
        String[] keys = SchemaWriter.sizeKeywords(schema);
        return keys != null && schema.has(keys[0]) && !schema.has(keys[1]);
    }

    private void pattern(String pattern, JsonNode node, String path) {
        try {
            if (!java.util.regex.Pattern.compile(pattern).matcher(node.asText()).find()) {
                add(path, node, "must match \"" + unanchored(pattern) + "\"");
            }
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the parameter schema's pattern for '" + path + "' is not a regular "
                    + "expression: " + e.getDescription(), e);
        }
    }

    /** The {@code @Pattern} regexp SchemaWriter anchored as {@code ^(?:regexp)$}. */
    private static String unanchored(String pattern) {
        return pattern.startsWith("^(?:") && pattern.endsWith(")$") ? pattern.substring(4, pattern.length() - 2) : pattern;
    }

    private static boolean contains(JsonNode values, JsonNode node) {
        for (JsonNode v : values) {
            if (v.equals(node)) return true;
        }
        return false;
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private void add(String path, JsonNode value, String message) {
        found.add(new Violation(path, ParameterJson.render(value), message));
    }
}
