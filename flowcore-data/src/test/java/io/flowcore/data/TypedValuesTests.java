package io.flowcore.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DATE, BOOLEAN and DECIMAL values (CSV text and Java objects)")
class TypedValuesTests {
    static final Schema SCHEMA = Schema.of("v", new Column("i", ColumnType.INT32), new Column("l", ColumnType.INT64),
            new Column("d", ColumnType.DATE), new Column("b", ColumnType.BOOLEAN), new Column("x", ColumnType.decimal(18, 4)),
            new Column("t", ColumnType.TIMESTAMP));

    @Test
    void parsesDecimalTextExactlyAtTheColumnsScaleAndRefusesWhatWouldRoundOrOverflow() {
        NumberText n = new NumberText();
        String[][] good = {{"0", "0"}, {"-0.0001", "-1"}, {"12.3", "123000"}, {".5", "5000"}, {"+7", "70000"},
            {"00012.50", "125000"}, {"1.23450000", "12345"}, {"99999999999999.9999", "999999999999999999"},
            {"-99999999999999.9999", "-999999999999999999"}};
        for (String[] g : good) {
            assertTrue(n.parseDecimal(g[0].toCharArray(), 0, g[0].length(), 18, 4), g[0]);
            assertEquals(Long.parseLong(g[1]), n.longValue, g[0]);
        }
        for (String bad : new String[] {"", ".", "-", "1.00001", "100000000000000", "1e3", "1,5", "1.2.3", " 1", "NaN"}) {
            assertFalse(n.parseDecimal(bad.toCharArray(), 0, bad.length(), 18, 4), "'" + bad + "'");
        }
    }

    @Test
    void setsCellsFromJavaValuesConvertingOnlyWithoutLoss() {
        RowBatch b = new RowBatch(SCHEMA, 2);
        int r = b.beginRow(1);
        b.setValue(0, r, (short) 7);
        b.setValue(1, r, new BigDecimal("12"));
        b.setValue(2, r, LocalDate.of(1969, 12, 31));
        b.setValue(3, r, "T");
        b.setValue(4, r, 12.5);
        b.setValue(5, r, "1960-01-01 00:00:01");
        b.commitRow();
        assertEquals(7, b.getLong(0, r));
        assertEquals(12, b.getLong(1, r));
        assertEquals(-1, b.getLong(2, r), "days before 1970 are negative");
        assertEquals(1, b.getLong(3, r));
        assertEquals(new BigDecimal("12.5000"), b.getDecimal(4, r));
        assertEquals(LocalDateTime.of(1960, 1, 1, 0, 0, 1).toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L, b.getLong(5, r));

        int s = b.beginRow(2);
        b.setValue(4, s, null);
        assertTrue(b.isNull(4, s));
        assertEquals(null, b.getDecimal(4, s));
        assertRefused(b, 0, 3_000_000_000L, "column i (INT32) cannot hold 3000000000 (Long)");
        assertRefused(b, 1, 1.5, "column l (INT64) cannot hold 1.5 (Double): not a whole number");
        assertRefused(b, 2, "2021-02-30", "column d (DATE) cannot hold '2021-02-30' (String)");
        assertRefused(b, 3, "maybe", "column b (BOOLEAN) cannot hold 'maybe' (String): not a boolean");
        assertRefused(b, 4, new BigDecimal("0.00001"), "column x (DECIMAL(18,4)) cannot hold 0.00001 (BigDecimal): more than 4 digits after the point");
        assertRefused(b, 4, "100000000000000", "column x (DECIMAL(18,4)) cannot hold '100000000000000' (String): more than 18 digits");
        assertRefused(b, 5, java.time.Instant.EPOCH, "column t (TIMESTAMP) cannot hold 1970-01-01T00:00:00Z (Instant): not a local date-time");
        assertThrows(IllegalArgumentException.class, () -> b.getDecimal(0, s), "INT32 is not a DECIMAL");
    }

    @Test
    void aDecimalTypeOutsideItsLimitsIsRefusedNamingTheValue() {
        assertEquals("DECIMAL precision must be within 1..18 (held in a long), was 19",
                assertThrows(IllegalArgumentException.class, () -> ColumnType.decimal(19, 2)).getMessage());
        assertEquals("DECIMAL scale must be within 0..5, was 6",
                assertThrows(IllegalArgumentException.class, () -> ColumnType.decimal(5, 6)).getMessage());
        assertEquals("numeric(5,2)", ColumnType.decimal(5, 2).postgresType());
    }

    private static void assertRefused(RowBatch b, int col, Object value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setValue(col, 1, value));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
