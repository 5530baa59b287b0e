package io.flowcore.data;

/*
 * Parses the numbers of a CSV field straight from the parser's char buffer (no String per field)
 * and formats doubles the way the TLC CSVs write them. Plain decimals ("-12.5", "0.30") are parsed
 * as mantissa / 10^scale, which is correctly rounded (both operands are exact doubles), so the
 * result equals Double.parseDouble's; anything else falls back to Double.parseDouble.
 */
final class NumberText {
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
        1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

    /** The value of the last successful parse. */
    long longValue;
    /** The value of the last successful parse. */
    double doubleValue;
    /** Whether the last successful {@link #parseNumber} saw a decimal point or exponent. */
    boolean hadFraction;

    /** Parses an integer; false when the text is not one (a decimal point counts as not one). */
    boolean parseLong(char[] b, int off, int len) {
        if (len == 0 || len > 18) return false;
        int i = off, end = off + len;
        boolean neg = b[i] == '-';
        if (neg || b[i] == '+') if (++i == end) return false;
        long v = 0;
        for (; i < end; i++) {
            int c = b[i] - '0';
            if (c < 0 || c > 9) return false;
            v = v * 10 + c;
        }
        longValue = neg ? -v : v;
        return true;
    }

    /**
     * Parses a plain decimal ({@code -12.5}, {@code 7}, {@code .25}) into the unscaled {@link #longValue} of
     * DECIMAL({@code precision},{@code scale}); false when the text is not one, has more than {@code scale}
     * digits after the point (nothing is rounded away) or more than {@code precision} digits in all.
     */
    boolean parseDecimal(char[] b, int off, int len, int precision, int scale) {
        if (len == 0) return false;
        int i = off, end = off + len;
        boolean neg = b[i] == '-';
        if (neg || b[i] == '+') if (++i == end) return false;
        long v = 0;
        int intDigits = 0, fracDigits = 0, digits = 0;
        boolean point = false;
        for (; i < end; i++) {
            char ch = b[i];
            if (ch == '.' && !point) {
                point = true;
                continue;
            }
            int c = ch - '0';
            if (c < 0 || c > 9) return false;
            digits++;
            if (point) {
                if (++fracDigits > scale) {
                    if (c != 0) return false; // a trailing zero beyond the scale loses nothing
                    continue;
                }
            } else {
                if (v == 0 && c == 0) continue; // leading zeros
                intDigits++;
            }
            if (intDigits > precision - scale) return false;
            v = v * 10 + c;
        }
        if (digits == 0) return false;
        for (int f = Math.min(fracDigits, scale); f < scale; f++) v *= 10;
        longValue = neg ? -v : v;
        return true;
    }

    /** Parses any decimal number into {@link #doubleValue}; false when the text is not a number. */
    boolean parseNumber(char[] b, int off, int len) {
        if (len == 0) return false;
        int i = off, end = off + len;
        boolean neg = b[i] == '-';
        if (neg || b[i] == '+') if (++i == end) return false;
        long mant = 0;
        int digits = 0, scale = 0;
        boolean dot = false, any = false;
        for (; i < end; i++) {
            char ch = b[i];
            if (ch == '.' && !dot) {
                dot = true;
                continue;
            }
            int c = ch - '0';
            if (c < 0 || c > 9) return slowParse(b, off, len);
            if (digits >= 15) return slowParse(b, off, len);
            mant = mant * 10 + c;
            any = true;
            if (mant != 0) digits++;
            if (dot) scale++;
        }
        if (!any) return false;
        if (scale >= POW10.length) return slowParse(b, off, len);
        double v = mant / POW10[scale];
        doubleValue = neg ? -v : v;
        hadFraction = dot;
        return true;
    }

    private boolean slowParse(char[] b, int off, int len) {
        String s = new String(b, off, len).trim();
        if (s.isEmpty()) return false;
        char last = s.charAt(s.length() - 1);
        if (!Character.isDigit(last) && last != '.') return false; // rejects "NaN", "Infinity", "1d", "2f"
        try {
            doubleValue = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return false;
        }
        hadFraction = true;
        return !Double.isNaN(doubleValue) && !Double.isInfinite(doubleValue);
    }

    /** Appends a money-like double: at most 2 decimals when it has cents ("12.3", "-0.5"), else "N.0". */
    static void formatDouble(double v, StringBuilder out) {
        long cents = Math.round(v * 100);
        if (cents / 100.0 != v) { // not a cents value: write it exactly
            out.append(v);
            return;
        }
        if (cents < 0) {
            out.append('-');
            cents = -cents;
        }
        out.append(cents / 100).append('.');
        long c = cents % 100;
        if (c == 0) out.append('0');
        else if (c % 10 == 0) out.append(c / 10);
        else {
            if (c < 10) out.append('0');
            out.append(c);
        }
    }
}
