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
 * 2000-01-01), integer 4 bytes, text its UTF-8 bytes. The server then only copies bytes into
 * tuples instead of parsing text, which is what makes binary COPY faster than CSV COPY.
 * Output accumulates in a reusable buffer that the caller drains with drainTo.
 */
final class PgBinaryCopyEncoder {
    /** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int INT32 = 0, INT64 = 1, FLOAT8 = 2, TIMESTAMP = 3, TEXT = 4;

    /** Receives encoded bytes. */
    interface Output {
        void write(byte[] buf, int off, int len) throws java.io.IOException;
    }

    private final int[] kinds;
    private byte[] buf = new byte[1 << 18];
    private int pos;

    PgBinaryCopyEncoder(Schema schema) {
        kinds = new int[schema.size()];
        for (int c = 0; c < kinds.length; c++) {
            kinds[c] = switch (schema.column(c).type()) {
                case ColumnType.Int32 t -> INT32;
                case ColumnType.Int64 t -> INT64;
                case ColumnType.Float64 t -> FLOAT8;
                case ColumnType.Timestamp t -> TIMESTAMP;
                case ColumnType.Text t -> TEXT;
            };
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
        int maxRow = 2 + cols * 12;
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
                    default -> putText(batch.getText(c, r), out);
                }
            }
        }
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
