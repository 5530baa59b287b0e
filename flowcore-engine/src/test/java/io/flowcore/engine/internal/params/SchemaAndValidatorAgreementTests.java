package io.flowcore.engine.internal.params;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.deployment.InvalidParametersException;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A process without the flow's classes checks parameters against the stored schema; a worker binds them
 * with Hibernate Validator. Both must find the same problems, or a run the CLI accepted would fail on the
 * worker (or the other way round). One limit, by design: a parameter that cannot be converted reports only
 * its first wrong-typed value on the worker, so no case mixes two type errors inside one parameter.
 */
@DisplayName("the schema check and the Hibernate Validator check agree")
class SchemaAndValidatorAgreementTests {
    private static final String OK = """
            "month": 3, "months": [1, 12], "color": "green", "table": "t",
            "window": {"start": "2021-01-01", "days": 1}, "windows": []""";

    static Stream<Arguments> cases() {
        return Stream.of(
                good("{" + OK + "}"),
                good("{\"table\": \"t\", \"month\": 12}"),
                good("{" + OK + ", \"window\": null, \"windows\": null, \"months\": null, \"color\": null}"),
                good("{" + OK + ", \"notCascaded\": {\"days\": 500}}"),
                good("{" + OK + ", \"table\": 42}"),
                bad("{" + OK + ", \"month\": 0}"),
                bad("{" + OK + ", \"month\": 13}"),
                bad("{\"table\": \"t\"}"),
                bad("{" + OK + ", \"months\": [0, 6, 13, 1]}"),
                bad("{" + OK + ", \"color\": \"Yellow\"}"),
                bad("{" + OK + ", \"color\": \"yellowgreen\"}"),
                bad("{" + OK + ", \"color\": 42}"),
                bad("{" + OK + ", \"table\": null}"),
                bad("{" + OK + ", \"window\": {}}"),
                bad("{" + OK + ", \"window\": {\"start\": \"2021-01-01\", \"days\": 32}}"),
                bad("{" + OK + ", \"windows\": [{\"start\": \"2021-01-01\", \"days\": 5}, {\"days\": 0}]}"),
                bad("{" + OK + ", \"window\": {\"start\": \"01/02/2021\", \"days\": 5}}"),
                bad("{" + OK + ", \"month\": \"3\"}"),
                bad("{" + OK + ", \"month\": 3.5}"),
                bad("{" + OK + ", \"months\": 3}"),
                bad("{" + OK + ", \"window\": [1]}"),
                bad("{" + OK + ", \"moth\": 3}"),
                bad("{\"month\": 40, \"months\": [99], \"color\": \"red\", \"window\": {\"days\": -1}}"),
                bad("{" + OK + ", \"window\": {\"start\": 20210101, \"days\": 5}}"),
                bad("{" + OK + ", \"window\": {\"start\": \"2021-02-29\", \"days\": 5}}"),
                typesGood("{\"color\": \"GREEN\", \"folder\": 2021, \"note\": true, \"rate\": 2, \"limits\": {\"a\": null}}"),
                typesBad("{\"color\": 1}"),
                typesBad("{\"color\": \"green\"}"),
                typesBad("{\"dryRun\": 1}"),
                typesBad("{\"dryRun\": \"true\"}"),
                typesBad("{\"rate\": \"0.5\"}"),
                typesBad("{\"limits\": {\"a\": \"x\"}}"),
                typesBad("{\"months\": [1, 2.0]}"),
                typesBad("{\"window\": {\"days\": \"7\"}}"),
                sized("{" + SIZED + "}", true),
                sized("{\"months\": [1], \"name\": \"n\"}", true),
                sized("{" + SIZED + ", \"code\": 123, \"tags\": null, \"label\": {\"text\": \"t\", \"extra\": {}}}", true),
                sized("{" + SIZED + ", \"months\": []}", false),
                sized("{\"name\": \"n\"}", false),
                sized("{" + SIZED + ", \"months\": [0]}", false),
                sized("{" + SIZED + ", \"code\": \"a\"}", false),
                sized("{" + SIZED + ", \"code\": \"abcde\"}", false),
                sized("{" + SIZED + ", \"code\": 12345}", false),
                sized("{" + SIZED + ", \"tags\": [\"a\", \"b\", \"c\"]}", false),
                sized("{" + SIZED + ", \"name\": \"\"}", false),
                sized("{\"months\": [1]}", false),
                sized("{" + SIZED + ", \"label\": {\"text\": \"\"}}", false),
                sized("{" + SIZED + ", \"label\": {}}", false),
                sized("{" + SIZED + ", \"label\": {\"text\": \"t\", \"extra\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\"}}}", false),
                sized("{\"months\": [], \"code\": \"x\", \"tags\": [\"a\", \"b\", \"c\"], \"name\": \"\"}", false));
    }

    private static final String SIZED = """
            "months": [1, 2], "code": "ab", "tags": ["x"], "name": "n", "label": {"text": "t"}""";

    private static Arguments sized(String json, boolean valid) {
        return Arguments.of("sized", json, valid);
    }

    private static Arguments good(String json) {
        return Arguments.of("constrained", json, true);
    }

    private static Arguments bad(String json) {
        return Arguments.of("constrained", json, false);
    }

    private static Arguments typesGood(String json) {
        return Arguments.of("types", json, true);
    }

    private static Arguments typesBad(String json) {
        return Arguments.of("types", json, false);
    }

    @ParameterizedTest(name = "[{index}] {0} valid={2}: {1}")
    @MethodSource("cases")
    void bothFindTheSameViolations(String method, String json, boolean valid) {
        Method m = ParamFixtures.method(method);

        List<Violation> fromSchema = ParameterSchema.check(ParameterSchema.of(m), json);
        List<Violation> fromValidator;
        try {
            ParameterBinder.bind(m, json);
            fromValidator = List.of();
        } catch (InvalidParametersException e) {
            fromValidator = e.violations();
        }

        assertEquals(fromValidator, fromSchema);
        assertEquals(valid, fromSchema.isEmpty(), "violations: " + fromSchema);
    }
}
