package io.flowcore.data;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/* Java values onto RowBatch cells (RowBatch.setValue): exact conversions only, or an exception saying why. */
final class JavaValues {
    private JavaValues() {
    }

    static long integral(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof BigInteger b) return b.longValueExact();
        if (v instanceof BigDecimal b) return b.longValueExact();
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Math.abs(d) > 9.007199254740992E15) throw new ArithmeticException("not a whole number");
            return (long) d;
        }
        if (v instanceof String s) return Long.parseLong(s.strip());
        throw new IllegalArgumentException("not an integer");
    }

    static long micros(Object v) {
        LocalDateTime t = switch (v) {
            case LocalDateTime l -> l;
            case java.sql.Timestamp ts -> ts.toLocalDateTime();
            case String s -> LocalDateTime.parse(s.strip().replace(' ', 'T'));
            default -> throw new IllegalArgumentException("not a local date-time");
        };
        return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000);
    }

    static long days(Object v) {
        return switch (v) {
            case LocalDate d -> d.toEpochDay();
            case java.sql.Date d -> d.toLocalDate().toEpochDay();
            case String s -> LocalDate.parse(s.strip()).toEpochDay();
            default -> throw new IllegalArgumentException("not a date");
        };
    }

    static boolean bool(Object v) {
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) {
            switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "t", "1" -> { return true; }
                case "false", "f", "0" -> { return false; }
                default -> { }
            }
        }
        throw new IllegalArgumentException("not a boolean");
    }

    static long unscaled(Object v, ColumnType.Decimal type) {
        BigDecimal d = switch (v) {
            case BigDecimal b -> b;
            case BigInteger b -> new BigDecimal(b);
            case Long l -> BigDecimal.valueOf(l);
            case Integer i -> BigDecimal.valueOf(i);
            case Short s -> BigDecimal.valueOf(s);
            case Byte b -> BigDecimal.valueOf(b);
            case Double x -> BigDecimal.valueOf(x);
            case Float x -> new BigDecimal(Float.toString(x));
            case String s -> new BigDecimal(s.strip());
            default -> throw new IllegalArgumentException("not a number");
        };
        BigDecimal scaled;
        try {
            scaled = d.setScale(type.scale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("more than " + type.scale() + " digits after the point");
        }
        BigInteger u = scaled.unscaledValue();
        if (u.bitLength() > 63 || !type.fits(u.longValue())) {
            throw new ArithmeticException("more than " + type.precision() + " digits");
        }
        return u.longValue();
    }
}
