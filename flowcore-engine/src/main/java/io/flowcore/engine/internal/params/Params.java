package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parameters given on a command line as {@code --param name=value}. */
public final class Params {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Params() {
    }

    /**
     * Reads {@code name=value} strings (split at the first {@code =}). A value is read as JSON when it is
     * JSON ({@code months=[1,2]}, {@code year=2021}, {@code dryRun=true}, {@code window={"days":7}},
     * {@code batch="2021"}), else it is the text as given ({@code color=yellow}, {@code day=2021-01-01}).
     *
     * @return the values by name, in the order given
     * @throws IllegalArgumentException when an argument has no name or a name is given twice
     */
    public static Map<String, Object> parseCli(List<String> nameEqualsValue) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String arg : nameEqualsValue) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? "" : arg.substring(0, eq).strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a parameter is given as name=value, e.g. --param month=3 or "
                        + "--param months=[1,2]: '" + arg + "'");
            }
            if (out.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is given twice: give it once");
            }
            out.put(name, value(arg.substring(eq + 1)));
        }
        return out;
    }

    private static Object value(String text) {
        if (text.isBlank()) return text;
        try {
            JsonNode node = JSON.readTree(text);
            return JSON.treeToValue(node, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }
}
