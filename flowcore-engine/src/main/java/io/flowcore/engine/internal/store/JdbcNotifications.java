package io.flowcore.engine.internal.store;

import static io.flowcore.engine.internal.store.Columns.setText;

import io.flowcore.api.notification.NotificationEvent;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.api.spi.NotificationStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/*
 * Notification rules and the outbox on SQLite or PostgreSQL. Events are created by enqueue(), which the
 * store writer calls inside the transaction that applies flow-run state changes: an event exists exactly
 * when its state change does, survives a crash like it (the journal replays both), and its id is derived
 * from (rule, run, state) so a replay or a second engine creates nothing new.
 *
 * Claims work like claimDue: PostgreSQL FOR UPDATE SKIP LOCKED, SQLite one immediate transaction; the
 * UPDATE repeats the conditions. A claim lasts until claimed_until: a sender that died releases its
 * events by letting that pass (delivery is at least once, with the event id for receivers to dedupe).
 */
final class JdbcNotifications {
    private static final String EVENT_COLS = "id, rule, notifier, flow_run_id, state_type, state_name, state_message, "
            + "state_ts, status, attempts, next_attempt_at, last_error, created_at, delivered_at";

    private final Dialect dialect;
    private final DataSource pool;

    JdbcNotifications(Dialect dialect, DataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
    }

    private <T> T inTransaction(String what, Dialect.SqlWork<T> work) {
        return dialect.inPooledTransaction(pool, what, work);
    }

    /** A flow run entered a state; called by the writer for every flow-level state it applies. */
    record Entered(UUID flowRunId, State state) {
    }

    /**
     * The rules a writer read last, kept while the settings version (PostgreSQL's claim_settings, which a trigger on
     * notification_rules bumps too) stays the one they were read at. Only the writer thread uses it.
     */
    static final class KeptRules {
        private long version = -1;
        private List<NotificationRule> rules = List.of();

        /** The rules as of {@code seenVersion} (read in the caller's transaction; -1: unknown, so read them). */
        List<NotificationRule> at(Connection c, long seenVersion) throws SQLException {
            if (seenVersion >= 0 && seenVersion == version) return rules;
            List<NotificationRule> read = rules(c);
            rules = read;
            version = seenVersion;
            return read;
        }
    }

    /** Inserts the events the rules ask for, in the caller's transaction. Cheap when no rule exists. */
    static void enqueue(Connection c, List<Entered> entered) throws SQLException {
        enqueue(c, entered, new KeptRules(), -1);
    }

    /** As above, with the rules kept from the last batch when the settings version did not move ({@link KeptRules}). */
    static void enqueue(Connection c, List<Entered> entered, KeptRules kept, long seenVersion) throws SQLException {
        List<NotificationRule> rules = kept.at(c, seenVersion).stream().filter(r -> !r.paused()).toList();
        if (rules.isEmpty()) return;
        for (Entered e : entered) {
            if (rules.stream().noneMatch(r -> r.matchesState(e.state()))) continue;
            String flow = null;
            String deployment = null;
            Set<String> tags = Set.of();
            try (PreparedStatement ps = c.prepareStatement("SELECT f.flow_name, d.flow_name AS d_flow, d.name AS d_name, "
                    + "d.tags FROM flow_runs f LEFT JOIN deployments d ON d.id = f.deployment_id WHERE f.id = ?")) {
                ps.setString(1, e.flowRunId().toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) continue;
                    flow = rs.getString(1);
                    if (rs.getString(2) != null) {
                        deployment = rs.getString(2) + "/" + rs.getString(3);
                        tags = split(rs.getString(4));
                    }
                }
            }
            for (NotificationRule r : rules) {
                if (!r.matches(flow, deployment, tags, e.state())) continue;
                insertEvent(c, r, e);
            }
        }
    }

    private static void insertEvent(Connection c, NotificationRule r, Entered e) throws SQLException {
        UUID id = UUID.nameUUIDFromBytes((r.name() + "|" + e.flowRunId() + "|" + e.state().name())
                .getBytes(StandardCharsets.UTF_8));
        long at = Columns.nanos(e.state().timestamp());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_events (" + EVENT_COLS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, NULL, ?, NULL) ON CONFLICT DO NOTHING")) {
            ps.setString(1, id.toString());
            ps.setString(2, r.name());
            setText(ps, 3, r.notifier());
            ps.setString(4, e.flowRunId().toString());
            ps.setString(5, e.state().type().name());
            setText(ps, 6, e.state().name());
            setText(ps, 7, e.state().message());
            ps.setLong(8, at);
            ps.setLong(9, at);
            ps.setLong(10, at);
            ps.executeUpdate();
        }
    }

    void saveRule(NotificationRule r) {
        inTransaction("save notification rule " + r.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_rules (name, flows, deployments, "
                    + "tags, states, notifier, paused, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO "
                    + "UPDATE SET flows = excluded.flows, deployments = excluded.deployments, tags = excluded.tags, "
                    + "states = excluded.states, notifier = excluded.notifier, paused = excluded.paused")) {
                ps.setString(1, r.name());
                setText(ps, 2, String.join(",", r.flows()));
                setText(ps, 3, String.join(",", r.deployments()));
                setText(ps, 4, String.join(",", r.tags()));
                setText(ps, 5, String.join(",", r.states()));
                setText(ps, 6, r.notifier());
                ps.setInt(7, r.paused() ? 1 : 0);
                ps.setLong(8, Columns.nanos(Instant.now()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<NotificationRule> rule(String name) {
        return rules().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    List<NotificationRule> rules() {
        return inTransaction("read notification rules", JdbcNotifications::rules);
    }

    private static List<NotificationRule> rules(Connection c) throws SQLException {
        List<NotificationRule> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, flows, deployments, tags, states, notifier, paused "
                + "FROM notification_rules ORDER BY name"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new NotificationRule(rs.getString(1), split(rs.getString(2)), split(rs.getString(3)),
                        split(rs.getString(4)), split(rs.getString(5)), rs.getString(6), rs.getInt(7) != 0));
            }
        }
        return out;
    }

    boolean deleteRule(String name) {
        return inTransaction("delete notification rule " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notification_rules WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    List<NotificationEvent> events(int limit) {
        return inTransaction("read notification events", c -> {
            List<NotificationEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLS + " FROM notification_events "
                    + "ORDER BY created_at DESC, id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(event(rs));
                }
            }
            return out;
        });
    }

    List<NotificationStore.ClaimedEvent> claimDueEvents(String engineId, Instant now, Instant claimUntil, int limit) {
        // Every engine polls: with nothing due, a plain read answers without taking SQLite's write lock.
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM notification_events WHERE status = 'PENDING' "
                     + "AND next_attempt_at <= ? LIMIT 1")) {
            ps.setLong(1, Columns.nanos(now));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return List.of();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot look for due notification events: " + e.getMessage(), e);
        }
        return inTransaction("claim notification events", c -> {
            List<NotificationStore.ClaimedEvent> due = new ArrayList<>();
            Map<UUID, Long> seen = new java.util.LinkedHashMap<>();
            String sql = "SELECT " + prefixed("e.") + ", f.flow_name, f.name AS run_name, f.parameters_json, "
                    + "d.flow_name AS d_flow, d.name AS d_name, e.claimed_until FROM notification_events e "
                    + "JOIN flow_runs f ON f.id = e.flow_run_id LEFT JOIN deployments d ON d.id = f.deployment_id "
                    + "WHERE e.status = 'PENDING' AND e.next_attempt_at <= ? "
                    + "AND (e.claimed_until IS NULL OR e.claimed_until <= ?) "
                    + "AND NOT EXISTS (SELECT 1 FROM notifiers n WHERE n.name = e.notifier AND n.paused = 1) "
                    + "ORDER BY e.next_attempt_at, e.id LIMIT ?" + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE OF e SKIP LOCKED" : "");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, Columns.nanos(now));
                ps.setLong(2, Columns.nanos(now));
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        NotificationEvent ev = event(rs);
                        String dFlow = rs.getString("d_flow");
                        State state = State.named(StateType.valueOf(rs.getString("state_type")), ev.stateName(),
                                Columns.instant(rs.getLong("state_ts")), rs.getString("state_message"));
                        due.add(new NotificationStore.ClaimedEvent(ev, rs.getString("flow_name"), rs.getString("run_name"),
                                dFlow == null ? null : dFlow + "/" + rs.getString("d_name"), state, null,
                                rs.getString("parameters_json")));
                        long until = rs.getLong("claimed_until");
                        seen.put(ev.id(), rs.wasNull() ? null : until);
                    }
                }
            }
            List<NotificationStore.ClaimedEvent> claimed = new ArrayList<>();
            for (NotificationStore.ClaimedEvent ce : due) {
                Long before = seen.get(ce.event().id());
                try (PreparedStatement up = c.prepareStatement("UPDATE notification_events SET claimed_by = ?, "
                        + "claimed_until = ? WHERE id = ? AND status = 'PENDING' AND "
                        + (before == null ? "claimed_until IS NULL" : "claimed_until = ?"))) {
                    up.setString(1, engineId);
                    up.setLong(2, Columns.nanos(claimUntil));
                    up.setString(3, ce.event().id().toString());
                    if (before != null) up.setLong(4, before);
                    if (up.executeUpdate() == 1) claimed.add(ce);
                }
            }
            return claimed;
        });
    }

    void delivered(UUID eventId, Instant at) {
        inTransaction("record a delivery", c -> {
            String notifier = null;
            try (PreparedStatement ps = c.prepareStatement("UPDATE notification_events SET status = 'DELIVERED', "
                    + "delivered_at = ?, attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL, last_error = NULL "
                    + "WHERE id = ?")) {
                ps.setLong(1, Columns.nanos(at));
                ps.setString(2, eventId.toString());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT notifier FROM notification_events WHERE id = ?")) {
                ps.setString(1, eventId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) notifier = rs.getString(1);
                }
            }
            if (notifier != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE notifiers SET consecutive_failures = 0 WHERE name = ?")) {
                    ps.setString(1, notifier);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    int attemptFailed(UUID eventId, String notifier, String error, Instant retryAt) {
        return inTransaction("record a failed delivery", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notification_events SET attempts = attempts + 1, "
                    + "status = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?, claimed_by = NULL, "
                    + "claimed_until = NULL WHERE id = ?")) {
                ps.setString(1, retryAt == null ? "FAILED" : "PENDING");
                Columns.setInstant(ps, 2, retryAt);
                setText(ps, 3, error);
                ps.setString(4, eventId.toString());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notifiers (name, consecutive_failures, paused, "
                    + "last_error) VALUES (?, 1, 0, ?) ON CONFLICT (name) DO UPDATE SET consecutive_failures = "
                    + "notifiers.consecutive_failures + 1, last_error = excluded.last_error")) {
                setText(ps, 1, notifier);
                setText(ps, 2, error);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT consecutive_failures FROM notifiers WHERE name = ?")) {
                setText(ps, 1, notifier);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 1;
                }
            }
        });
    }

    void setNotifierPaused(String notifier, boolean paused) {
        inTransaction((paused ? "pause" : "resume") + " notifier " + notifier, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notifiers (name, consecutive_failures, paused) "
                    + "VALUES (?, 0, ?) ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, consecutive_failures = 0")) {
                setText(ps, 1, notifier);
                ps.setInt(2, paused ? 1 : 0);
                ps.executeUpdate();
            }
            return null;
        });
    }

    List<String> pausedNotifiers() {
        return inTransaction("read paused notifiers", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM notifiers WHERE paused = 1 ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    private static String prefixed(String p) {
        return String.join(", ", Arrays.stream(EVENT_COLS.split(", ")).map(c -> p + c).toList());
    }

    private static NotificationEvent event(ResultSet rs) throws SQLException {
        long delivered = rs.getLong("delivered_at");
        Instant deliveredAt = rs.wasNull() ? null : Columns.instant(delivered);
        return new NotificationEvent(UUID.fromString(rs.getString("id")), rs.getString("rule"), rs.getString("notifier"),
                UUID.fromString(rs.getString("flow_run_id")), rs.getString("state_name"), rs.getString("status"),
                rs.getInt("attempts"), Columns.instant(rs.getLong("next_attempt_at")), rs.getString("last_error"),
                Columns.instant(rs.getLong("created_at")), deliveredAt);
    }

    private static Set<String> split(String s) {
        return s == null || s.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(s.split(",")));
    }
}
