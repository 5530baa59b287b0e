package io.flowcore.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowcore.api.deployment.Catchup;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Overlap;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.engine.internal.infra.InfraJson;
import io.flowcore.engine.internal.schedule.ScheduleJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployments file of {@code flowcore deployment apply FILE}, YAML or JSON, read into {@link Deployment}s
 * for {@link Deployments#apply}:
 *
 * <pre>
 * deployments:
 *   - name: nightly
 *     flowClass: io.flowcore.examples.MonthlyReport
 *     flowMethod: yearlyReport
 *     parameters: {year: 2021, months: [1, 2, 3]}
 *     schedules:
 *       - cron: "0 5 1 * *"
 *         timezone: America/New_York
 * </pre>
 *
 * An entry's fields are {@code name}, {@code flowClass} and {@code flowMethod} (required), {@code parameters},
 * {@code workQueue}, {@code tags}, {@code description}, {@code schedules}, {@code retries}, {@code maxLateness},
 * {@code infrastructure}, {@code code}, {@code overlap}, {@code catchup} and {@code retention}; docs/deployments.md
 * describes each. Errors name the source, the entry ({@code deployments[0]}) and the field, and an unknown field
 * is refused with the list of valid ones, so a typo never passes silently.
 */
public final class DeploymentFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final List<String> FIELDS = List.of("name", "flowClass", "flowMethod", "parameters", "workQueue",
            "tags", "description", "schedules", "retries", "maxLateness", "infrastructure", "code", "overlap", "catchup",
            "retention");

    private DeploymentFiles() {
    }

    /**
     * The deployments of a file: JSON when its name ends with {@code .json}, else YAML.
     *
     * @throws IllegalArgumentException when there is no such file, or it is not valid YAML (JSON), has no
     *                                  top-level {@code deployments} list or an entry is invalid, naming the file,
     *                                  the entry and the field
     * @throws IOException              when the file cannot be read
     */
    public static List<Deployment> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no deployments file " + file);
        return read(Files.readString(file), file.toString());
    }

    /**
     * The deployments of a file's {@code text}: a mapping with a {@code deployments} list.
     *
     * @param source names the text in errors (a file name, {@code request body}); JSON is read as JSON when it
     *               ends with {@code .json} or the text starts with <code>{</code>, else as YAML
     * @throws IllegalArgumentException as {@link #read(Path)}, naming {@code source}
     */
    public static List<Deployment> read(String text, String source) {
        JsonNode root = parse(text, source);
        JsonNode list = root == null ? null : root.get("deployments");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(source + ": expected a top-level 'deployments' list");
        }
        List<Deployment> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) out.add(entry(n, source + ": deployments[" + i++ + "]"));
        return out;
    }

    /**
     * One deployment alone, in the shape of one entry of a file's {@code deployments} list (what flowcore
     * server's {@code POST /api/deployments} takes), YAML or JSON as {@link #read(String, String)} decides.
     *
     * @param source names the text in errors, e.g. {@code deployment}: {@code deployment: unknown field 'x'}
     * @throws IllegalArgumentException when the text is not valid YAML (JSON), not a mapping, or a field is
     *                                  missing, unknown or invalid, naming it
     */
    public static Deployment readOne(String text, String source) {
        return entry(parse(text, source), source);
    }

    /**
     * {@code d} as one entry of a deployments file, in JSON: {@link #readOne} reads it back to a deployment whose
     * {@link Deployments#apply} creates no new version. Fields at their defaults are left out, except the
     * required ones, {@code parameters}, {@code workQueue}, {@code tags} and {@code description}.
     */
    public static String toJson(DeploymentRecord d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", d.name());
        o.put("flowClass", d.flowClass());
        o.put("flowMethod", d.flowMethod());
        o.set("parameters", tree(d.parametersJson()));
        o.put("workQueue", d.workQueue());
        o.set("tags", JSON.valueToTree(d.tags()));
        o.put("description", d.description());
        if (!d.schedules().isEmpty()) o.set("schedules", tree(ScheduleJson.toJson(d.schedules())));
        if (d.retries() > 0) o.put("retries", d.retries());
        if (d.maxLateness() != null) o.put("maxLateness", d.maxLateness().toString());
        if (!d.infrastructure().isInProcess()) o.set("infrastructure", tree(InfraJson.toJson(d.infrastructure())));
        if (d.code() != null) o.set("code", tree(InfraJson.toJson(d.code())));
        if (d.overlap() != null) {
            o.putObject("overlap").put("maxActive", d.overlap().maxActive()).put("policy", d.overlap().policy().yamlName());
        }
        if (d.catchup().mode() != Catchup.Mode.NONE) {
            o.putObject("catchup").put("mode", d.catchup().mode().yamlName()).put("max", d.catchup().max());
        }
        if (d.retention() != null) o.put("retention", d.retention().toString());
        return o.toString();
    }

    /**
     * A duration as a deployments file writes it ({@code maxLateness}, {@code retention}, an {@code interval}):
     * {@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}, or ISO-8601 such as {@code PT1H30M}.
     *
     * @param field names the value in errors, e.g. {@code --older-than}
     * @throws IllegalArgumentException naming {@code field} when {@code text} is missing or not a duration
     */
    public static Duration duration(String text, String field) {
        return ScheduleJson.duration(text, field);
    }

    private static JsonNode parse(String text, String source) {
        String t = text == null ? "" : text.strip();
        boolean json = source.endsWith(".json") || t.startsWith("{");
        try {
            return (json ? JSON : YAML).readTree(t);
        } catch (JsonProcessingException e) {
            if (json && !source.endsWith(".json")) {
                try {
                    return YAML.readTree(t); // YAML's own {flow: mapping} style
                } catch (JsonProcessingException notYamlEither) {
                    // the JSON error says more
                }
            }
            var at = e.getLocation();
            throw new IllegalArgumentException(source + ": not valid " + (json ? "JSON" : "YAML")
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static Deployment entry(JsonNode n, String where) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException(where + " is not a mapping");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new IllegalArgumentException(where + ": unknown field '" + f + "' (fields: " + FIELDS + ")");
        }
        JsonNode params = n.get("parameters");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new IllegalArgumentException(where + ": 'parameters' must be a mapping (name: value)");
        }
        JsonNode tags = n.get("tags");
        if (tags != null && !tags.isNull() && !tags.isArray()) {
            throw new IllegalArgumentException(where + ": 'tags' must be a list of texts");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = params != null && params.isObject() ? JSON.convertValue(params, LinkedHashMap.class) : Map.of();
        @SuppressWarnings("unchecked")
        List<String> tagList = tags != null && tags.isArray() ? JSON.convertValue(tags, List.class) : List.of();
        return new Deployment(text(n, "flowClass", where, true), text(n, "flowMethod", where, true),
                text(n, "name", where, true), parameters, tagList,
                n.has("workQueue") ? text(n, "workQueue", where, true) : "default",
                n.has("description") ? text(n, "description", where, false) : "",
                ScheduleJson.fromJson(n.get("schedules"), where + ".schedules"), retries(n, where),
                n.hasNonNull("maxLateness")
                        ? ScheduleJson.duration(text(n, "maxLateness", where, true), where + ".maxLateness") : null)
                .withInfrastructure(InfraJson.infrastructure(n.get("infrastructure"), where + ".infrastructure"))
                .withCode(InfraJson.code(n.get("code"), where + ".code"))
                .withOverlap(overlap(n.get("overlap"), where + ".overlap"))
                .withCatchup(catchup(n.get("catchup"), where + ".catchup"))
                .withRetention(n.hasNonNull("retention")
                        ? ScheduleJson.duration(text(n, "retention", where, true), where + ".retention") : null);
    }

    /** {@code {maxActive: 1, policy: queue}} (policy optional: queue), or null when not given. */
    private static Overlap overlap(JsonNode n, String where) {
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw new IllegalArgumentException(where + " must be a mapping like {maxActive: 1, policy: queue}");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("maxActive") && !f.equals("policy")) {
                throw new IllegalArgumentException(where + ": unknown field '" + f + "' (fields: [maxActive, policy])");
            }
        }
        JsonNode max = n.get("maxActive");
        if (max == null || !max.canConvertToExactIntegral() || max.asInt() < 1) {
            throw new IllegalArgumentException(where + ": 'maxActive' must be a whole number >= 1, not " + max);
        }
        JsonNode policy = n.get("policy");
        try {
            return new Overlap(max.asInt(), policy == null || policy.isNull()
                    ? Overlap.Policy.QUEUE : Overlap.Policy.parse(policy.asText()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** {@code none}, {@code latest}, {@code all} or {@code {mode: all, max: 20}}; null when not given. */
    private static Catchup catchup(JsonNode n, String where) {
        if (n == null || n.isNull()) return null;
        try {
            if (n.isTextual()) return new Catchup(Catchup.Mode.parse(n.asText()), Catchup.DEFAULT_MAX);
            if (!n.isObject() || !n.hasNonNull("mode")) {
                throw new IllegalArgumentException("must be none, latest, all or a mapping like {mode: all, max: 20}");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("mode") && !f.equals("max")) {
                    throw new IllegalArgumentException("unknown field '" + f + "' (fields: [mode, max])");
                }
            }
            JsonNode max = n.get("max");
            if (max != null && !max.canConvertToExactIntegral()) {
                throw new IllegalArgumentException("'max' must be a whole number >= 1, not " + max);
            }
            return new Catchup(Catchup.Mode.parse(n.get("mode").asText()), max == null ? Catchup.DEFAULT_MAX : max.asInt());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static int retries(JsonNode n, String where) {
        JsonNode v = n.get("retries");
        if (v == null || v.isNull()) return 0;
        if (!v.canConvertToExactIntegral() || v.asInt() < 0) {
            throw new IllegalArgumentException(where + ": 'retries' must be a whole number >= 0, not " + v);
        }
        return v.asInt();
    }

    private static String text(JsonNode n, String field, String where, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException(where + ": missing '" + field + "'");
            return "";
        }
        if (!v.isTextual()) throw new IllegalArgumentException(where + ": '" + field + "' must be text");
        return v.asText();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored deployment JSON is not valid: " + e.getOriginalMessage(), e);
        }
    }
}
