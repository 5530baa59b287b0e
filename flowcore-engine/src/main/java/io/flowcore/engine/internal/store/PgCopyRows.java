package io.flowcore.engine.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/*
 * Rows for PostgreSQL's COPY ... FROM STDIN in its text format, encoded straight into a buffer that is sent
 * whenever it fills, so the server reads the first rows while the next are encoded. The writer inserts task
 * runs, log lines and history rows this way: measured on 2 cores, a COPY costs PostgreSQL about half the CPU
 * per row of the same rows as a batched multi-row INSERT (no per-row parse, bind or executor node; heap pages
 * filled many rows at a time). A COPY has no ON CONFLICT: OpApplier uses it only for a batch's first try, and
 * a batch whose COPY meets a row already there (a journal replayed, a commit whose answer was lost) is applied
 * again with the idempotent INSERTs (JdbcTarget).
 *
 * The text format: columns separated by a tab, rows ended by a newline, NULL as \N, and a backslash, tab,
 * newline or carriage return in a value escaped with a backslash. Text is encoded as UTF-8 here (an unpaired
 * surrogate as '?', as the driver encodes parameters); U+0000 is stored as Columns.text stores it.
 */
final class PgCopyRows implements AutoCloseable {
    private static final int SEND_AT = 1 << 16;

    private final Connection connection;
    private final String sql;
    private byte[] buf = new byte[SEND_AT + 1024];
    private int pos;
    private boolean rowStarted;
    private int rows;
    private CopyIn copy;

    /** @param tableAndColumns for example {@code run_logs (origin, origin_seq, ...)} */
    PgCopyRows(Connection c, String tableAndColumns) {
        this.connection = c;
        this.sql = "COPY " + tableAndColumns + " FROM STDIN";
    }

    PgCopyRows text(String s) {
        separate();
        if (s == null) {
            ensure(2);
            buf[pos++] = '\\';
            buf[pos++] = 'N';
            return this;
        }
        ensure(s.length() * 3 + 2); // worst case: three bytes a char, or an escape's two
        byte[] b = buf;
        int p = pos;
        for (int i = 0, n = s.length(); i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                switch (ch) {
                    case '\\' -> {
                        b[p++] = '\\';
                        b[p++] = '\\';
                    }
                    case '\t' -> {
                        b[p++] = '\\';
                        b[p++] = 't';
                    }
                    case '\n' -> {
                        b[p++] = '\\';
                        b[p++] = 'n';
                    }
                    case '\r' -> {
                        b[p++] = '\\';
                        b[p++] = 'r';
                    }
                    case '\0' -> { // as Columns.text: U+2400
                        b[p++] = (byte) 0xE2;
                        b[p++] = (byte) 0x90;
                        b[p++] = (byte) 0x80;
                    }
                    default -> b[p++] = (byte) ch;
                }
            } else if (ch < 0x800) {
                b[p++] = (byte) (0xC0 | ch >> 6);
                b[p++] = (byte) (0x80 | ch & 0x3F);
            } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(ch, s.charAt(++i));
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(ch)) {
                b[p++] = '?';
            } else {
                b[p++] = (byte) (0xE0 | ch >> 12);
                b[p++] = (byte) (0x80 | ch >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | ch & 0x3F);
            }
        }
        pos = p;
        return this;
    }

    PgCopyRows number(long n) {
        separate();
        String digits = Long.toString(n);
        ensure(digits.length());
        for (int i = 0; i < digits.length(); i++) buf[pos++] = (byte) digits.charAt(i);
        return this;
    }

    /** A nullable BIGINT. */
    PgCopyRows number(Long n) {
        return n == null ? text(null) : number(n.longValue());
    }

    PgCopyRows endRow() throws SQLException {
        ensure(1);
        buf[pos++] = '\n';
        rowStarted = false;
        rows++;
        if (pos >= SEND_AT) send();
        return this;
    }

    /** Sends what is left and ends the COPY (inside the caller's transaction). */
    void finish() throws SQLException {
        if (rows == 0) return;
        send();
        CopyIn c = copy;
        copy = null;
        c.endCopy();
    }

    /** Abandons a COPY that was not finished (the transaction is rolled back anyway). */
    @Override
    public void close() {
        if (copy == null) return;
        try {
            if (copy.isActive()) copy.cancelCopy();
        } catch (SQLException e) {
            // the connection is in trouble; the caller's rollback or reconnect deals with it
        }
        copy = null;
    }

    private void send() throws SQLException {
        if (pos == 0) return;
        if (copy == null) copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        copy.writeToCopy(buf, 0, pos);
        pos = 0;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }

    private void separate() {
        if (rowStarted) {
            ensure(1);
            buf[pos++] = '\t';
        }
        rowStarted = true;
    }
}
