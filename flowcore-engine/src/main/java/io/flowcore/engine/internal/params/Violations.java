package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.util.Comparator;
import java.util.List;
import java.util.stream.StreamSupport;

/** What the binder and the schema check share: the order of violations and the wording of their messages. */
final class Violations {
    private Violations() {
    }

    /** Without repeats, in the order of the parameters (names that are no parameter last), then by path. */
    static List<Violation> sorted(List<Violation> found, List<String> parameterNames) {
        Comparator<Violation> byParameter = Comparator.comparingInt(v -> {
            int i = parameterNames.indexOf(topLevel(v.path()));
            return i < 0 ? parameterNames.size() : i;
        });
        return found.stream().distinct()
                .sorted(byParameter.thenComparing(Violation::path).thenComparing(Violation::message)).toList();
    }

    /** The parameter a path starts in: {@code window} for {@code window.start} or {@code window[2]}. */
    static String topLevel(String path) {
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '.' || c == '[') {
                end = i;
                break;
            }
        }
        return path.substring(0, end);
    }

    static String notAParameter(List<String> parameterNames) {
        return "is not a parameter; the parameters are " + parameterNames;
    }

    /** What a value of this schema must be, as a message: {@code must be an integer}. */
    static String expected(JsonNode schema) {
        JsonNode values = schema.get("enum");
        if (values != null) {
            return "must be one of " + StreamSupport.stream(values.spliterator(), false).map(JsonNode::asText).toList();
        }
        return switch (schema.path("type").asText("")) {
            case "integer" -> "must be an integer";
            case "number" -> "must be a number";
            case "boolean" -> "must be true or false";
            case "array" -> "must be an array";
            case "object" -> "must be an object";
            case "string" -> "date".equals(schema.path("format").asText()) ? "must be a date (yyyy-MM-dd)"
                    : "must be a string";
            default -> "cannot be read";
        };
    }
}
