package io.flowcore.engine.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;

/** How values map to columns: UUIDs as text, instants as epoch nanoseconds (BIGINT, full precision). */
final class Columns {
    private static final long NANOS = 1_000_000_000L;

    private Columns() {
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS), t.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS));
    }

    static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, nanos(t));
    }

    static Instant getInstant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : instant(v);
    }

    /** The {@code IN (...)} list of the non-final state types, for SQL. */
    static final String NON_FINAL = java.util.Arrays.stream(io.flowcore.api.state.StateType.values())
            .filter(t -> !t.isFinal()).map(t -> "'" + t.name() + "'")
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    /**
     * Text as stored: U+0000 becomes U+2400 (the visible symbol for NUL). PostgreSQL cannot store U+0000 in
     * text at all, and one NUL in a log line must not stop the store; SQLite is treated the same so that a
     * run reads back alike from either.
     */
    static String text(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\u2400');
    }

    static void setText(PreparedStatement ps, int i, String s) throws SQLException {
        ps.setString(i, text(s));
    }

    static void setUuid(PreparedStatement ps, int i, UUID u) throws SQLException {
        ps.setString(i, u == null ? null : u.toString());
    }

    static UUID getUuid(ResultSet rs, String col) throws SQLException {
        String s = rs.getString(col);
        return s == null ? null : UUID.fromString(s);
    }
}
