package io.flowcore.data;

/*
 * Local timestamps as microseconds since 1970-01-01T00:00, parsed from and formatted to the TLC's
 * "yyyy-MM-dd HH:mm:ss" without creating objects: a taxi month holds ~2.7 M of them.
 * Day arithmetic is Howard Hinnant's days_from_civil / civil_from_days.
 */
final class TimestampCodec {
    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;
    /** Returned by {@link #parse} for text that is not a timestamp. */
    static final long INVALID = Long.MIN_VALUE;

    private TimestampCodec() {
    }

    /**
     * Parses {@code yyyy-MM-dd HH:mm:ss} (also with {@code T}, optional fraction of up to 6 digits) or
     * {@code yyyy-MM-dd}; returns {@link #INVALID} for anything else.
     */
    static long parse(char[] b, int off, int len) {
        if (len != 10 && len < 19) return INVALID;
        int y = digits(b, off, 4), mo = digits(b, off + 5, 2), d = digits(b, off + 8, 2);
        if (y < 0 || mo < 1 || mo > 12 || d < 1 || b[off + 4] != '-' || b[off + 7] != '-') return INVALID;
        if (d > daysInMonth(y, mo)) return INVALID;
        long micros = daysFromCivil(y, mo, d) * MICROS_PER_DAY;
        if (len == 10) return micros;
        char sep = b[off + 10];
        if (sep != ' ' && sep != 'T') return INVALID;
        int h = digits(b, off + 11, 2), mi = digits(b, off + 14, 2), s = digits(b, off + 17, 2);
        if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || b[off + 13] != ':' || b[off + 16] != ':') return INVALID;
        micros += (h * 3600L + mi * 60L + s) * MICROS_PER_SECOND;
        if (len == 19) return micros;
        if (b[off + 19] != '.' || len > 26 || len == 20) return INVALID;
        int frac = digits(b, off + 20, len - 20);
        if (frac < 0) return INVALID;
        for (int i = len - 20; i < 6; i++) frac *= 10;
        return micros + frac;
    }

    /** Parses a timestamp from a string; {@link #INVALID} when it is not one. */
    static long parse(String s) {
        return parse(s.toCharArray(), 0, s.length());
    }

    /** Appends {@code yyyy-MM-dd HH:mm:ss} (fractions of a second are dropped, as in the TLC CSVs). */
    static void format(long micros, StringBuilder out) {
        long days = Math.floorDiv(micros, MICROS_PER_DAY);
        long secOfDay = Math.floorMod(micros, MICROS_PER_DAY) / MICROS_PER_SECOND;
        // civil_from_days
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) y++;
        pad(out, y, 4).append('-');
        pad(out, m, 2).append('-');
        pad(out, d, 2).append(' ');
        pad(out, secOfDay / 3600, 2).append(':');
        pad(out, secOfDay / 60 % 60, 2).append(':');
        pad(out, secOfDay % 60, 2);
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date. */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static int daysInMonth(int y, int m) {
        return switch (m) {
            case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static int digits(char[] b, int off, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int c = b[off + i] - '0';
            if (c < 0 || c > 9) return -1;
            v = v * 10 + c;
        }
        return v;
    }

    private static StringBuilder pad(StringBuilder out, long v, int width) {
        for (long p = (width == 4 ? 1000 : 10); p > 1 && v < p; p /= 10) out.append('0');
        return out.append(v);
    }
}
