package io.flowcore.engine.internal.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the JSON Schema of a flow method's parameters")
class ParameterSchemaTests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WINDOW = """
            {"type": "object", "properties": {
                "start": {"type": "string", "format": "date"},
                "days": {"type": "integer", "default": 0, "minimum": 1, "maximum": 31}},
             "required": ["start"]}""";

    @Test
    void isDerivedFromTheParameterTypesAndTheirConstraints() throws Exception {
        String expected = """
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object",
                 "properties": {
                   "month": {"type": "integer", "default": 0, "minimum": 1, "maximum": 12},
                   "months": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 12}},
                   "color": {"type": "string", "pattern": "^(?:yellow|green)$"},
                   "table": {"type": "string"},
                   "window": %s,
                   "windows": {"type": "array", "items": %s},
                   "notCascaded": {"type": "object", "properties": {
                       "start": {"type": "string", "format": "date"},
                       "days": {"type": "integer", "default": 0}}}},
                 "required": ["table"],
                 "additionalProperties": false}""".formatted(WINDOW, WINDOW);

        assertEquals(JSON.readTree(expected), JSON.readTree(ParameterSchema.of(ParamFixtures.method("constrained"))));
    }

    @Test
    void writesSizeAsBothBoundsAndNotEmptyAsARequiredMinimumOfOne() throws Exception {
        String expected = """
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object",
                 "properties": {
                   "months": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
                   "code": {"type": "string", "minLength": 2, "maxLength": 4},
                   "tags": {"type": "array", "items": {"type": "string"}, "minItems": 0, "maxItems": 2},
                   "name": {"type": "string", "minLength": 1},
                   "label": {"type": "object", "properties": {
                       "text": {"type": "string", "minLength": 1},
                       "extra": {"type": "object", "additionalProperties": {"type": "string"},
                                 "minProperties": 0, "maxProperties": 2}},
                     "required": ["text"]}},
                 "required": ["months", "name"],
                 "additionalProperties": false}""";

        assertEquals(JSON.readTree(expected), JSON.readTree(ParameterSchema.of(ParamFixtures.method("sized"))));
    }

    @Test
    void describesEnumsPathsNumbersBooleansAndMaps() throws Exception {
        var props = JSON.readTree(ParameterSchema.of(ParamFixtures.method("types"))).get("properties");

        assertEquals(JSON.readTree("{\"type\": \"string\", \"enum\": [\"YELLOW\", \"GREEN\"]}"), props.get("color"));
        assertEquals(JSON.readTree("{\"type\": \"string\"}"), props.get("folder"));
        assertEquals(JSON.readTree("{\"type\": \"number\", \"default\": 0.0}"), props.get("rate"));
        assertEquals(JSON.readTree("{\"type\": \"boolean\", \"default\": false}"), props.get("dryRun"));
        assertEquals(JSON.readTree("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}}"),
                props.get("limits"));
    }

    @Test
    void checkingParametersAgainstItNamesEachBadValueWithTheConstraint() {
        String schema = ParameterSchema.of(ParamFixtures.method("constrained"));

        List<Violation> found = ParameterSchema.check(schema, """
                {"month": 13, "months": [1, "x"], "color": "red", "window": {"days": 0},
                 "windows": [{"start": "2021-02-30", "days": 1}], "extra": true}""");

        assertEquals(List.of(new Violation("month", "13", "must be less than or equal to 12"),
                new Violation("months[1]", "\"x\"", "must be an integer"),
                new Violation("color", "\"red\"", "must match \"yellow|green\""),
                new Violation("table", "null", "must not be null"),
                new Violation("window.days", "0", "must be greater than or equal to 1"),
                new Violation("window.start", "null", "must not be null"),
                new Violation("windows[0].start", "\"2021-02-30\"", "must be a date (yyyy-MM-dd)"),
                new Violation("extra", "true", "is not a parameter; the parameters are [month, months, color, table, "
                        + "window, windows, notCascaded]")), found);
    }

    @Test
    void checkingGoodParametersFindsNothing() {
        String schema = ParameterSchema.of(ParamFixtures.method("types"));

        assertEquals(List.of(), ParameterSchema.check(schema, """
                {"months": [1, 2], "color": "GREEN", "day": "2021-03-31", "folder": "/data/lake",
                 "window": {"start": "2021-01-01", "days": 7}, "year": 2021, "note": 7, "limits": {"a": 1}}"""));
    }

    @Test
    void aSchemaThatIsNotJsonIsRefusedSayingSo() {
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterSchema.check("{nope", "{}"));

        assertTrue(e.getMessage().contains("parameter schema"), e.getMessage());
    }
}
