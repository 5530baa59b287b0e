package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.lang.reflect.Method;
import java.util.List;

/**
 * A JSON Schema (a draft 2020-12 subset) of a flow method's parameters, derived from their types and
 * constraints, so that a process without the flow's classes can store it, show it and check parameters
 * against it before a run is created. The check finds the problems the worker's {@link ParameterBinder}
 * would, with the same messages.
 */
public final class ParameterSchema {
    private ParameterSchema() {
    }

    /**
     * The schema of the JSON object holding {@code m}'s parameters by name: {@code type}, {@code properties},
     * {@code items}, {@code enum}, {@code required} (for {@code @NotNull}), {@code default} (for primitives),
     * {@code minimum}/{@code maximum} ({@code @Min}/{@code @Max}), an anchored {@code pattern}
     * ({@code @Pattern}), {@code minItems}/{@code maxItems}, {@code minLength}/{@code maxLength} and
     * {@code minProperties}/{@code maxProperties} ({@code @Size}; {@code @NotEmpty} writes the minimum 1 and
     * {@code required}) and {@code format: date} ({@code LocalDate}).
     */
    public static String of(Method m) {
        return SchemaWriter.of(m).toString();
    }

    /**
     * The problems of {@code parametersJson} against a schema from {@link #of(Method)}, in parameter order;
     * empty when there are none.
     *
     * @throws IllegalArgumentException when the schema is not JSON or the parameters are not a JSON object
     */
    public static List<Violation> check(String schemaJson, String parametersJson) {
        JsonNode schema;
        try {
            schema = ParameterJson.MAPPER.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the parameter schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (schema == null || !schema.isObject()) {
            throw new IllegalArgumentException("the parameter schema must be a JSON object, as ParameterSchema.of writes");
        }
        return SchemaChecker.check(schema, ParameterBinder.parse(parametersJson));
    }
}
