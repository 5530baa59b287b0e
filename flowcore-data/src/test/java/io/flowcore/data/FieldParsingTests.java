package io.flowcore.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CSV field parsing (NumberText, TimestampCodec)")
class FieldParsingTests {

    @Test
    void parsesDecimalsExactlyAsDoubleParseDoubleDoes() {
        SplittableRandom rnd = new SplittableRandom(1);
        NumberText n = new NumberText();
        for (int i = 0; i < 200_000; i++) {
            String s = switch (i % 4) {
                case 0 -> Long.toString(rnd.nextLong(-100_000, 100_000));
                case 1 -> rnd.nextLong(-100_000, 100_000) / 100.0 + "";
                case 2 -> String.format(java.util.Locale.ROOT, "%.3f", rnd.nextDouble(-1000, 1000));
                default -> Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(-5, 12)));
            };
            assertTrue(n.parseNumber(s.toCharArray(), 0, s.length()), s);
            assertEquals(Double.parseDouble(s), n.doubleValue, s);
        }
    }

    @Test
    void rejectsTextThatIsNotANumber() {
        NumberText n = new NumberText();
        for (String s : new String[] {"", ".", "-", "+", "abc", "1.2.3", "NaN", "Infinity", "1d", "12 dollars", "0x10"}) {
            assertFalse(n.parseNumber(s.toCharArray(), 0, s.length()), "'" + s + "'");
        }
        assertFalse(n.parseLong("1.0".toCharArray(), 0, 3), "a decimal is not an integer");
        assertTrue(n.parseLong("-17".toCharArray(), 0, 3));
        assertEquals(-17, n.longValue);
    }

    @Test
    void formatsAndParsesTimestampsLikeJavaTime() {
        SplittableRandom rnd = new SplittableRandom(2);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(rnd.nextLong(946_684_800L, 4_102_444_800L), 0, ZoneOffset.UTC);
            long micros = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
            sb.setLength(0);
            TimestampCodec.format(micros, sb);
            assertEquals(t.toString().replace('T', ' ') + (t.getSecond() == 0 ? ":00" : ""), sb.toString());
            assertEquals(micros, TimestampCodec.parse(sb.toString()));
        }
        assertEquals(TimestampCodec.parse("2021-01-01 00:00:00") + 123_400, TimestampCodec.parse("2021-01-01 00:00:00.1234"));
        for (String bad : new String[] {"2021-02-29 00:00:00", "2021-13-01 00:00:00", "2021-01-01 24:00:00", "yesterday",
            "2021-01-01 00:00", "2021/01/01 00:00:00"}) {
            assertEquals(TimestampCodec.INVALID, TimestampCodec.parse(bad), bad);
        }
    }
}
