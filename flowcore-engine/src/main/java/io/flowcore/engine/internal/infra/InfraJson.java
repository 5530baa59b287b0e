package io.flowcore.engine.internal.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.deployment.FlowCode;
import io.flowcore.api.deployment.Infrastructure;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deployment's infrastructure and code location as JSON, one shape in the deployments YAML and in the store:
 * {@code {"type": "process", "jvmOptions": ["-Xmx512m"], ...}} (the type beside its settings) and
 * {@code {"block": "lake", "path": "code/flows.jar", "sha256": "…"}}.
 */
public final class InfraJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private InfraJson() {
    }

    public static String toJson(Infrastructure i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", i.type());
        o.setAll((ObjectNode) JSON.valueToTree(i.settings()));
        return o.toString();
    }

    public static String toJson(FlowCode c) {
        return JSON.createObjectNode().put("block", c.block()).put("path", c.path()).put("sha256", c.sha256()).toString();
    }

    /** The stored form back; null (in-process) when {@code json} is null. */
    public static Infrastructure infrastructure(String json) {
        return json == null ? null : infrastructure(read(json), "infrastructure");
    }

    public static FlowCode code(String json) {
        return json == null ? null : code(read(json), "code");
    }

    /**
     * An infrastructure from a YAML/JSON object; a bare text is a type without settings.
     *
     * @throws IllegalArgumentException naming {@code where} when it has no type
     */
    public static Infrastructure infrastructure(JsonNode n, String where) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return new Infrastructure(n.asText(), Map.of());
        if (!n.isObject() || !n.path("type").isTextual()) {
            throw new IllegalArgumentException(where + ": needs 'type' (in-process, process or docker), e.g. "
                    + "{type: process, jvmOptions: [-Xmx512m]}");
        }
        Map<String, Object> settings = new LinkedHashMap<>(JSON.convertValue(n, MAP));
        settings.remove("type");
        return new Infrastructure(n.get("type").asText(), settings);
    }

    /** A code location from a YAML/JSON object with {@code block}, {@code path} and {@code sha256}. */
    public static FlowCode code(JsonNode n, String where) {
        if (n == null || n.isNull()) return null;
        for (String f : new String[] {"block", "path"}) {
            if (!n.path(f).isTextual()) {
                throw new IllegalArgumentException(where + ": needs '" + f + "' (the object-storage block and the path "
                        + "in it of the flow jar or folder of jars), e.g. {block: lake, path: code/flows.jar}");
            }
        }
        if (n.hasNonNull("sha256") && !n.get("sha256").isTextual()) {
            throw new IllegalArgumentException(where + ": 'sha256' must be text (quote it in YAML): " + n.get("sha256"));
        }
        if (!n.path("sha256").isTextual()) {
            throw new IllegalArgumentException(where + ": has no 'sha256': apply with `--upload JAR` (uploads the jar "
                    + "to " + n.get("block").asText() + ":" + n.get("path").asText() + " and fills it in), or give the "
                    + "SHA-256 of the code already there (a jar: sha256sum flows.jar)");
        }
        try {
            return new FlowCode(n.get("block").asText(), n.get("path").asText(), n.get("sha256").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored deployment JSON is not valid: " + e.getOriginalMessage(), e);
        }
    }
}
