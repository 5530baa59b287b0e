package io.flowcore.engine.internal.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.InvalidParametersException;
import io.flowcore.api.deployment.InvalidParametersException.Violation;
import io.flowcore.engine.internal.params.ParamFixtures.Color;
import io.flowcore.engine.internal.params.ParamFixtures.Window;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("binding a run's JSON parameters to a flow method")
class ParameterBinderTests {
    private static final Method TYPES = ParamFixtures.method("types");
    private static final Method CONSTRAINED = ParamFixtures.method("constrained");

    /** A JSON object for {@code constrained} that breaks nothing, with {@code changes} put over it. */
    private static String valid(String changes) {
        String base = """
                "month": 3, "months": [1, 12], "color": "yellow", "table": "trips",
                "window": {"start": "2021-01-01", "days": 31}, "windows": [{"start": "2021-02-01", "days": 1}]""";
        return "{" + base + (changes.isEmpty() ? "" : ", " + changes) + "}";
    }

    private static List<Violation> violations(Method m, String json) {
        return assertThrows(InvalidParametersException.class, () -> ParameterBinder.bind(m, json)).violations();
    }

    @Test
    void convertsEachDeclaredTypeGenericsIncluded() {
        Object[] args = ParameterBinder.bind(TYPES, """
                {"months": [1, 2], "color": "GREEN", "day": "2021-03-31", "folder": "/data/lake",
                 "window": {"start": "2021-01-01", "days": 7}, "year": 2021, "dryRun": true, "rate": 0.5,
                 "note": "hi", "limits": {"yellow": 3}}""");

        assertArrayEquals(new Object[] {List.of(1, 2), Color.GREEN, LocalDate.of(2021, 3, 31), Path.of("/data/lake"),
                new Window(LocalDate.of(2021, 1, 1), 7), 2021, true, 0.5, "hi", Map.of("yellow", 3)}, args);
        assertEquals(Integer.class, ((List<?>) args[0]).getFirst().getClass(), "List<Integer> holds Integers");
    }

    @Test
    void missingOrNullParametersTakeTheJavaDefaultsOfTheirTypes() {
        Object[] args = ParameterBinder.bind(TYPES, "{\"note\": null}");

        assertArrayEquals(new Object[] {null, null, null, null, null, 0, false, 0.0d, null, null}, args);
    }

    @Test
    void aValueOutsideMinAndMaxIsRefusedNamingTheParameterItsValueAndTheConstraint() {
        var e = assertThrows(InvalidParametersException.class,
                () -> ParameterBinder.bind(CONSTRAINED, valid("\"month\": 13")));

        assertEquals("parameter 'month' = 13: must be less than or equal to 12", e.getMessage());
        assertEquals(List.of(new Violation("month", "13", "must be less than or equal to 12")), e.violations());
    }

    @Test
    void aMissingPrimitiveIsCheckedAsItsDefaultZero() {
        assertEquals(List.of(new Violation("month", "0", "must be greater than or equal to 1")),
                violations(CONSTRAINED, valid("").replace("\"month\": 3,", "")));
    }

    @Test
    void listElementsAreCheckedAndNamedByTheirIndex() {
        assertEquals(List.of(new Violation("months[0]", "13", "must be less than or equal to 12"),
                        new Violation("months[2]", "0", "must be greater than or equal to 1")),
                violations(CONSTRAINED, valid("\"months\": [13, 5, 0]")));
    }

    @Test
    void aPatternAndNotNullAreChecked() {
        assertEquals(List.of(new Violation("color", "\"red\"", "must match \"yellow|green\""),
                        new Violation("table", "null", "must not be null")),
                violations(CONSTRAINED, valid("\"color\": \"red\", \"table\": null")));
    }

    @Test
    void aValidRecordHasItsComponentsCheckedInsideListsToo() {
        assertEquals(List.of(new Violation("window.days", "40", "must be less than or equal to 31"),
                        new Violation("window.start", "null", "must not be null"),
                        new Violation("windows[1].days", "0", "must be greater than or equal to 1")),
                violations(CONSTRAINED, valid("""
                        "window": {"days": 40}, "windows": [{"start": "2021-01-01", "days": 2}, {"start": "2021-01-01"}]""")));
    }

    @Test
    void aRecordWithoutValidIsConvertedButItsComponentsAreNotChecked() {
        Object[] args = ParameterBinder.bind(CONSTRAINED, valid("\"notCascaded\": {\"days\": 99}"));

        assertEquals(new Window(null, 99), args[6]);
    }

    @Test
    void everyProblemIsReportedAtOnceInTheOrderOfTheParameters() {
        var e = assertThrows(InvalidParametersException.class, () -> ParameterBinder.bind(CONSTRAINED,
                valid("\"window\": {\"start\": \"2021-01-01\", \"days\": 0}, \"months\": [99], \"month\": -1")));

        assertEquals("parameter 'month' = -1: must be greater than or equal to 1; "
                + "parameter 'months[0]' = 99: must be less than or equal to 12; "
                + "parameter 'window.days' = 0: must be greater than or equal to 1", e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsNamedByItsPathWithTheTypeExpected() {
        assertEquals(List.of(new Violation("months[1]", "\"x\"", "must be an integer"),
                        new Violation("color", "\"BLUE\"", "must be one of [YELLOW, GREEN]"),
                        new Violation("day", "\"2021-13-01\"", "must be a date (yyyy-MM-dd)"),
                        new Violation("window.days", "2.5", "must be an integer"),
                        new Violation("year", "\"2021\"", "must be an integer")),
                violations(TYPES, """
                        {"months": [1, "x"], "color": "BLUE", "day": "2021-13-01",
                         "window": {"start": "2021-01-01", "days": 2.5}, "year": "2021"}"""));
    }

    @Test
    void scalarsOfTheirOwnTypeAreTakenAsTheyAreAndOthersAreRefusedSayingWhatIsExpected() {
        Method scalars = ParamFixtures.method("scalars");
        assertArrayEquals(new Object[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 5L, 3_000_000_000L, true, false, "x"},
                ParameterBinder.bind(scalars, """
                        {"small": -2147483648, "boxed": 2147483647, "big": 5, "bigBoxed": 3000000000, "flag": true,
                         "boxedFlag": false, "text": "x"}"""));
        assertEquals(Long.class, ParameterBinder.bind(scalars, "{\"bigBoxed\": 5}")[3].getClass());
        assertEquals(List.of(new Violation("small", "2147483648", "must be an integer from -2147483648 to 2147483647"),
                        new Violation("boxed", "\"7\"", "must be an integer"),
                        new Violation("big", "1.5", "must be an integer"),
                        new Violation("flag", "1", "must be true or false")),
                violations(scalars, "{\"small\": 2147483648, \"boxed\": \"7\", \"big\": 1.5, \"flag\": 1}"));
    }

    @Test
    void aNumberOrBooleanIsTakenAsTextForAStringParameter() {
        assertEquals("2021", ParameterBinder.bind(TYPES, "{\"note\": 2021}")[8]);
    }

    @Test
    void aNameThatIsNoParameterIsRefusedListingTheParameters() {
        assertEquals(List.of(new Violation("mnth", "3", "is not a parameter; the parameters are [month, months, "
                        + "color, table, window, windows, notCascaded]")),
                violations(CONSTRAINED, valid("\"mnth\": 3")));
    }

    @Test
    void parametersThatAreNotAJsonObjectAreRefusedSayingWhatIsExpected() {
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterBinder.bind(TYPES, "[1, 2]"));

        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
    }

    @Test
    void aMethodDeclaredInAnAbstractClassIsCheckedToo() throws Exception {
        Method inherited = ParamFixtures.Base.class.getMethod("inherited", int.class);

        assertEquals(List.of(new Violation("n", "0", "must be greater than or equal to 1")), violations(inherited, "{}"));
    }

    @Test
    void checkingParametersDoesNotConstructTheFlow() throws Exception {
        Method run = ParamFixtures.Constructed.class.getMethod("run", int.class);
        int before = ParamFixtures.Constructed.CONSTRUCTIONS.get();

        assertEquals(List.of(new Violation("n", "6", "must be less than or equal to 5")), violations(run, "{\"n\": 6}"));
        assertArrayEquals(new Object[] {5}, ParameterBinder.bind(run, "{\"n\": 5}"));
        assertEquals(before, ParamFixtures.Constructed.CONSTRUCTIONS.get());
    }

    @Test
    void aValueARecordsConstructorRefusesIsReportedWithTheConstructorsReason() {
        assertEquals(List.of(new Violation("month", "{\"value\":13}", "cannot be read: a month is 1-12, not 13")),
                violations(ParamFixtures.method("withMonth"), "{\"month\": {\"value\": 13}}"));
    }
}
