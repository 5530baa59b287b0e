package io.flowcore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --param name=value}: the value is JSON when it parses as JSON, else a string. */
final class CliParams {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CliParams() {
    }

    static Map<String, Object> parse(List<String> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (params == null) return out;
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--param takes name=value: '" + p + "'");
            String name = p.substring(0, eq);
            String value = p.substring(eq + 1);
            Object v;
            try {
                JsonNode node = JSON.readTree(value);
                v = node == null || node.isMissingNode() ? value : JSON.treeToValue(node, Object.class);
            } catch (Exception notJson) {
                v = value;
            }
            if (out.put(name, v) != null) throw new IllegalArgumentException("--param " + name + " given twice");
        }
        return out;
    }
}
