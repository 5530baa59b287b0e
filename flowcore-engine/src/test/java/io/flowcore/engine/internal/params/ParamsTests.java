package io.flowcore.engine.internal.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("--param name=value strings")
class ParamsTests {
    @Test
    void aValueIsReadAsJsonWhenItParsesAndElseKeptAsText() {
        Map<String, Object> expected = new HashMap<>();
        expected.put("months", List.of(1, 2));
        expected.put("color", "yellow");
        expected.put("year", 2021);
        expected.put("rate", 0.5);
        expected.put("dryRun", true);
        expected.put("window", Map.of("start", "2021-01-01", "days", 7));
        expected.put("day", "2021-01-01");
        expected.put("quoted", "007");
        expected.put("zero", "007");
        expected.put("empty", "");
        expected.put("none", null);
        expected.put("equation", "a=b");
        expected.put("big", new BigInteger("123456789012345678901234567890"));
        expected.put("broken", "[1, 2");

        assertEquals(expected, Params.parseCli(List.of("months=[1,2]", "color=yellow", "year=2021", "rate=0.5",
                "dryRun=true", "window={\"start\": \"2021-01-01\", \"days\": 7}", "day=2021-01-01", "quoted=\"007\"",
                "zero=007", "empty=", "none=null", "equation=a=b", "big=123456789012345678901234567890",
                "broken=[1, 2")));
    }

    @Test
    void keepsTheOrderTheParametersWereGivenIn() {
        assertEquals(List.of("b", "a", "c"), List.copyOf(Params.parseCli(List.of("b=1", "a=2", "c=3")).keySet()));
    }

    @Test
    void anArgumentWithoutANameIsRefusedShowingTheExpectedForm() {
        for (String bad : Arrays.asList("month", "=3", " =3")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Params.parseCli(List.of(bad)));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("name=value"), e.getMessage());
        }
    }

    @Test
    void aParameterGivenTwiceIsRefusedNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> Params.parseCli(List.of("month=1", "month=2")));

        assertTrue(e.getMessage().contains("'month' is given twice"), e.getMessage());
    }
}
