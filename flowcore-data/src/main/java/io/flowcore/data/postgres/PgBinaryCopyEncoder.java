package io.flowcore.data.postgres;

import io.flowcore.data.ColumnType;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;

/*
 * Encodes batches in PostgreSQL's binary COPY format (COPY ... FROM STDIN (FORMAT binary)):
 *   header    "PGCOPY\n\377\r\n\0", int32 flags = 0, int32 header-extension length = 0
 *   per row   int16 field count, then per field int32 byte length (-1 = NULL) and the bytes
 *   trailer   int16 -1
 * all big-endian. Values: bigint/float8/timestamp 8 bytes (timestamp = microseconds since
 * 2000-01-01), integer 4 bytes, date 4 bytes (days since 2000-01-01), boolean 1 byte, numeric as
 * putNumeric describes, text its UTF-8 bytes. The server then only copies bytes into
 * tuples instead of parsing text, which is what makes binary COPY faster than CSV COPY.
 * Output accumulates in a reusable buffer that the caller drains with drainTo.
 */
final class PgBinaryCopyEncoder {
    /** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int INT32 = 0, INT64 = 1, FLOAT8 = 2, TIMESTAMP = 3, TEXT = 4, DATE = 5, BOOL = 6, NUMERIC = 7;
    /** Days between 1970-01-01 and 2000-01-01. */
    static final int PG_EPOCH_DAYS = 10_957;
    private static final int NUMERIC_NEG = 0x4000;
    private static final long[] POW10 = {1, 10, 100, 1000, 10_000};

    /** Receives encoded bytes. */
    interface Output {
        void write(byte[] buf, int off, int len) throws java.io.IOException;
    }

    private final int[] kinds;
    private final int[] scales;
    private final short[] groups = new short[16];
    private byte[] buf = new byte[1 << 18];
    private int pos;

    PgBinaryCopyEncoder(Schema schema) {
        kinds = new int[schema.size()];
        scales = new int[schema.size()];
        for (int c = 0; c < kinds.length; c++) {
            kinds[c] = switch (schema.column(c).type()) {
                case ColumnType.Int32 t -> INT32;
                case ColumnType.Int64 t -> INT64;
                case ColumnType.Float64 t -> FLOAT8;
                case ColumnType.Timestamp t -> TIMESTAMP;
                case ColumnType.Text t -> TEXT;
                case ColumnType.Date t -> DATE;
                case ColumnType.Bool t -> BOOL;
                case ColumnType.Decimal t -> NUMERIC;
            };
            if (schema.column(c).type() instanceof ColumnType.Decimal d) scales[c] = d.scale();
        }
    }

    void header() {
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buf, pos, SIGNATURE.length);
        pos += SIGNATURE.length;
        putInt(0);
        putInt(0);
    }

    void trailer() {
        ensure(2);
        putShort(-1);
    }

    /** Encodes every row of {@code batch}; drains to {@code out} whenever the buffer fills. */
    void encode(RowBatch batch, Output out) throws java.io.IOException {
        int cols = kinds.length;
        int maxRow = 2 + cols * 40; // numeric: 12 bytes of header and up to 12 base-10000 digits
        for (int r = 0; r < batch.size(); r++) {
            if (pos + maxRow > buf.length) drainTo(out);
            putShort(cols);
            for (int c = 0; c < cols; c++) {
                if (batch.isNull(c, r)) {
                    putInt(-1);
                    continue;
                }
                switch (kinds[c]) {
                    case INT32 -> {
                        putInt(4);
                        putInt((int) batch.getLong(c, r));
                    }
                    case INT64 -> {
                        putInt(8);
                        putLong(batch.getLong(c, r));
                    }
                    case FLOAT8 -> {
                        putInt(8);
                        putLong(Double.doubleToRawLongBits(batch.getDouble(c, r)));
                    }
                    case TIMESTAMP -> {
                        putInt(8);
                        putLong(batch.getLong(c, r) - PG_EPOCH_MICROS);
                    }
                    case DATE -> {
                        putInt(4);
                        putInt(Math.toIntExact(batch.getLong(c, r) - PG_EPOCH_DAYS));
                    }
                    case BOOL -> {
                        putInt(1);
                        buf[pos++] = (byte) (batch.getLong(c, r) != 0 ? 1 : 0);
                    }
                    case NUMERIC -> putNumeric(batch.getLong(c, r), scales[c]);
                    default -> putText(batch.getText(c, r), out);
                }
            }
        }
    }

    /*
     * numeric's binary form: int16 ndigits, int16 weight (of the first digit, in powers of 10000),
     * int16 sign, int16 dscale, then ndigits base-10000 digits, most significant first. The fraction is
     * padded with zeros to whole groups of 4; the server strips leading and trailing zero digits.
     */
    private void putNumeric(long unscaled, int scale) {
        long abs = Math.abs(unscaled); // |unscaled| < 10^18: no overflow
        long pow = 1;
        for (int i = 0; i < scale; i++) pow *= 10; // scale <= 18: fits
        long intPart = abs / pow, frac = abs % pow;
        int fracGroups = (scale + 3) / 4;
        int n = 0;
        if (fracGroups > 0) { // fraction groups, least significant first; the last one ends in `pad` zeros
            int pad = fracGroups * 4 - scale;
            long low = POW10[4 - pad];
            groups[n++] = (short) (frac % low * POW10[pad]); // no multiplication of the whole fraction: 10^18 * 100 overflows
            frac /= low;
            for (int g = 1; g < fracGroups; g++) {
                groups[n++] = (short) (frac % 10_000);
                frac /= 10_000;
            }
        }
        int intGroups = 0;
        for (long v = intPart; v > 0; v /= 10_000) {
            groups[n++] = (short) (v % 10_000);
            intGroups++;
        }
        putInt(8 + 2 * n);
        putShort(n);
        putShort(intGroups - 1);
        putShort(unscaled < 0 ? NUMERIC_NEG : 0);
        putShort(scale);
        for (int i = n - 1; i >= 0; i--) putShort(groups[i]); // most significant first
    }

    private void putText(String s, Output out) throws java.io.IOException {
        int n = s.length();
        ensure(4 + n * 3 + 64);
        int lenAt = pos;
        pos += 4;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                buf[pos++] = (byte) ch;
            } else { // rare in trip data: fall back to the JDK's encoder for the rest
                byte[] rest = s.substring(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ensure(rest.length + 16);
                System.arraycopy(rest, 0, buf, pos, rest.length);
                pos += rest.length;
                break;
            }
        }
        int len = pos - lenAt - 4;
        buf[lenAt] = (byte) (len >>> 24);
        buf[lenAt + 1] = (byte) (len >>> 16);
        buf[lenAt + 2] = (byte) (len >>> 8);
        buf[lenAt + 3] = (byte) len;
        // ensure() may have reallocated, never drained, so lenAt stays valid
    }

    /** Hands the buffered bytes to {@code out} and empties the buffer. */
    void drainTo(Output out) throws java.io.IOException {
        if (pos > 0) out.write(buf, 0, pos);
        pos = 0;
    }

    /** The bytes buffered so far (for tests). */
    byte[] buffered() {
        return java.util.Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }

    private void putShort(int v) {
        buf[pos] = (byte) (v >>> 8);
        buf[pos + 1] = (byte) v;
        pos += 2;
    }

    private void putInt(int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
        pos += 4;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
