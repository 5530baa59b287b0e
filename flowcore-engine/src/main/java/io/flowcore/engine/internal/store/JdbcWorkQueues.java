package io.flowcore.engine.internal.store;

import static io.flowcore.engine.internal.store.Columns.setText;

import io.flowcore.api.deployment.WorkQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/*
 * Work queues, deployment pauses and removal, on SQLite or PostgreSQL; each call is its own transaction,
 * like JdbcDeployments.
 *
 * Claims (JdbcDeployments.claimDue asks plan() inside its claim transaction). Paused and limited queues
 * are read with FOR UPDATE on PostgreSQL, so two claimers of one limited queue take turns: the second
 * counts the active runs only after the first committed its claims (READ COMMITTED reads afresh per
 * statement). On SQLite, BEGIN IMMEDIATE already serialises claimers. Unlimited, unpaused queues take no
 * lock, so claiming from them stays as parallel as before. Queues of different priorities are claimed
 * level by level, lowest number first; one level is one indexed query, as before queues existed.
 */
final class JdbcWorkQueues {
    /** The states in which a run counts against its queue's concurrency limit. */
    static final String ACTIVE = "('PENDING', 'RUNNING', 'CANCELLING')";
    private static final String COLS = "name, paused, concurrency_limit, priority, description, created_at";
    /** Runs of a removed deployment, looked up this many ids at a time (well below the drivers' limits). */
    private static final int CHUNK = 500;

    private final Dialect dialect;
    private final DataSource pool;

    JdbcWorkQueues(Dialect dialect, DataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
    }

    private <T> T inTransaction(String what, Dialect.SqlWork<T> work) {
        return dialect.inPooledTransaction(pool, what, work);
    }

    boolean create(WorkQueue q) {
        return inTransaction("create work queue " + q.name(), c -> create(c, q));
    }

    static boolean create(Connection c, WorkQueue q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO work_queues (" + COLS
                + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            setText(ps, 1, q.name());
            ps.setInt(2, q.paused() ? 1 : 0);
            if (q.concurrencyLimit() == null) ps.setNull(3, Types.INTEGER);
            else ps.setInt(3, q.concurrencyLimit());
            ps.setInt(4, q.priority());
            setText(ps, 5, q.description());
            ps.setLong(6, Columns.nanos(q.createdAt()));
            return ps.executeUpdate() == 1;
        }
    }

    Optional<WorkQueue> get(String name) {
        return inTransaction("read work queue " + name, c -> query(c, "SELECT " + COLS
                + " FROM work_queues WHERE name = ?", name).stream().findFirst());
    }

    List<WorkQueue> all() {
        return inTransaction("list work queues", c -> query(c, "SELECT " + COLS
                + " FROM work_queues ORDER BY priority, name"));
    }

    boolean update(String name, String column, Object value) {
        return inTransaction("change work queue " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE work_queues SET " + column + " = ? WHERE name = ?")) {
                if (value == null) ps.setNull(1, Types.INTEGER);
                else ps.setObject(1, value);
                ps.setString(2, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<WorkQueue> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                List<WorkQueue> out = new ArrayList<>();
                while (rs.next()) {
                    int value = rs.getInt("concurrency_limit");
                    Integer limit = rs.wasNull() ? null : value;
                    out.add(new WorkQueue(rs.getString("name"), rs.getInt("paused") != 0, limit,
                            rs.getInt("priority"), rs.getString("description"),
                            Columns.instant(rs.getLong("created_at"))));
                }
                return out;
            }
        }
    }

    void setDeploymentPaused(String flowName, String name, boolean paused, java.time.Instant now) {
        inTransaction("pause or resume deployment " + flowName + "/" + name, c -> {
            String sql = paused
                    ? "INSERT INTO deployment_pauses (flow_name, name, paused_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
                    : "DELETE FROM deployment_pauses WHERE flow_name = ? AND name = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, flowName);
                ps.setString(2, name);
                if (paused) ps.setLong(3, Columns.nanos(now));
                ps.executeUpdate();
            }
            return null;
        });
    }

    Set<String> pausedDeployments() {
        return inTransaction("list paused deployments", c -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT flow_name, name FROM deployment_pauses");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1) + "/" + rs.getString(2));
            }
            return out;
        });
    }

    /** See {@link io.flowcore.api.spi.WorkQueueStore#removeDeployment}. */
    int removeDeployment(String flowName, String name) {
        return inTransaction("remove deployment " + flowName + "/" + name, c -> {
            String versions = "(SELECT id FROM deployments WHERE flow_name = ? AND name = ?)";
            List<String> unclaimed = new ArrayList<>();
            // FOR UPDATE waits for a claim of these rows in progress; a run it claimed no longer matches.
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM flow_runs WHERE deployment_id IN " + versions
                    + " AND engine_id IS NULL AND state_type = 'SCHEDULED'"
                    + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : ""))) {
                ps.setString(1, flowName);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) unclaimed.add(rs.getString(1));
                }
            }
            for (int from = 0; from < unclaimed.size(); from += CHUNK) {
                List<String> ids = unclaimed.subList(from, Math.min(unclaimed.size(), from + CHUNK));
                String in = placeholders(ids.size());
                execute(c, "DELETE FROM state_history WHERE run_id IN " + in, ids.toArray());
                execute(c, "DELETE FROM flow_runs WHERE id IN " + in, ids.toArray());
            }
            execute(c, "UPDATE flow_runs SET deployment_name = ? WHERE deployment_id IN " + versions,
                    flowName + "/" + name, flowName, name);
            execute(c, "DELETE FROM deployment_pauses WHERE flow_name = ? AND name = ?", flowName, name);
            int removed = execute(c, "DELETE FROM deployments WHERE flow_name = ? AND name = ?", flowName, name);
            return removed == 0 ? -1 : unclaimed.size();
        });
    }

    Optional<UUID> retryOf(UUID flowRunId) {
        return inTransaction("look for a retry of flow run " + flowRunId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM flow_runs WHERE resume_of = ? "
                    + "AND deployment_id IS NOT NULL")) {
                ps.setString(1, flowRunId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(UUID.fromString(rs.getString(1))) : Optional.<UUID>empty();
                }
            }
        });
    }

    List<UUID> crashedWithoutRetry(java.time.Instant from, java.time.Instant to, int limit) {
        return inTransaction("look for crashed runs without a retry", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT f.id FROM flow_runs f WHERE f.state_type = 'CRASHED' "
                    + "AND f.deployment_id IS NOT NULL AND f.state_ts >= ? AND f.state_ts < ? AND NOT EXISTS "
                    + "(SELECT 1 FROM flow_runs r WHERE r.resume_of = f.id AND r.deployment_id IS NOT NULL) "
                    + "ORDER BY f.state_ts LIMIT ?")) {
                ps.setLong(1, Columns.nanos(from));
                ps.setLong(2, Columns.nanos(to));
                ps.setInt(3, limit);
                List<UUID> out = new java.util.ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(UUID.fromString(rs.getString(1)));
                }
                return out;
            }
        });
    }

    Map<UUID, String> deploymentsOfRuns(Collection<UUID> flowRunIds) {
        List<String> all = flowRunIds.stream().map(UUID::toString).distinct().toList();
        return inTransaction("read the deployments of flow runs", c -> {
            Map<UUID, String> out = new HashMap<>();
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> ids = all.subList(from, Math.min(all.size(), from + CHUNK));
                try (PreparedStatement ps = c.prepareStatement("SELECT r.id, r.deployment_name, d.flow_name, d.name "
                        + "FROM flow_runs r LEFT JOIN deployments d ON d.id = r.deployment_id WHERE r.id IN "
                        + placeholders(ids.size()) + " AND r.deployment_id IS NOT NULL")) {
                    for (int i = 0; i < ids.size(); i++) ps.setString(i + 1, ids.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String kept = rs.getString(2);
                            String full = kept != null ? kept : rs.getString(3) == null ? null
                                    : rs.getString(3) + "/" + rs.getString(4);
                            if (full != null) out.put(UUID.fromString(rs.getString(1)), full);
                        }
                    }
                }
            }
            return out;
        });
    }

    private static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }

    static String placeholders(int n) {
        return Collections.nCopies(n, "?").stream().collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * What one claim may take, read inside the claim transaction: the queue filters to query in order
     * (one per priority level) and how many more runs each limited queue may have active.
     *
     * @param levels each a SQL condition on {@code work_queue} and its arguments, highest priority first;
     *               empty when every queue served is paused or full
     * @param room   for each limited queue, how many more runs it may give out
     */
    record Plan(List<Level> levels, Map<String, Integer> room) {
        /** True, and the room taken, when a run of {@code queue} may be claimed now. */
        boolean take(String queue) {
            Integer left = room.get(queue);
            if (left == null) return true;
            if (left <= 0) return false;
            room.put(queue, left - 1);
            return true;
        }
    }

    /** One priority level: {@code work_queue} condition and its arguments. */
    record Level(String condition, List<String> args) {
    }

    /**
     * The plan for claiming from {@code served} (every queue when empty). Queues a run names but that
     * have no row (runs stored before queues existed) count as unpaused, unlimited and at priority 0.
     */
    static Plan plan(Connection c, Dialect dialect, Collection<String> served) throws SQLException {
        Set<String> only = new LinkedHashSet<>(served);
        String servedFilter = only.isEmpty() ? "" : " AND name IN " + placeholders(only.size());
        Set<String> closed = new TreeSet<>();
        Map<String, Integer> limits = new TreeMap<>();
        TreeMap<Integer, Set<String>> byPriority = new TreeMap<>();
        // The queues that are not plain (paused, limited or ranked) in one read; usually there are none.
        Map<String, Integer> priorities = new TreeMap<>();
        boolean lock = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT name, paused, concurrency_limit, priority FROM work_queues "
                + "WHERE (paused <> 0 OR concurrency_limit IS NOT NULL OR priority <> 0)" + servedFilter)) {
            bind(ps, 1, only);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean paused = rs.getInt(2) != 0;
                    rs.getInt(3);
                    if (paused || !rs.wasNull()) lock = true;
                    if (rs.getInt(4) != 0) priorities.put(rs.getString(1), rs.getInt(4));
                }
            }
        }
        // Paused and limited queues, read again under a lock (PostgreSQL) so claimers of one limited queue take turns.
        if (lock) {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, paused, concurrency_limit FROM work_queues "
                    + "WHERE (paused <> 0 OR concurrency_limit IS NOT NULL)" + servedFilter + " ORDER BY name"
                    + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : ""))) {
                bind(ps, 1, only);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        int limit = rs.getInt(3);
                        boolean unlimited = rs.wasNull();
                        if (rs.getInt(2) != 0) closed.add(name);
                        else if (!unlimited) limits.put(name, limit);
                    }
                }
            }
        }
        Map<String, Integer> room = new HashMap<>(limits);
        if (!limits.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT work_queue, COUNT(*) FROM flow_runs WHERE state_type IN "
                    + ACTIVE + " AND work_queue IN " + placeholders(limits.size()) + " GROUP BY work_queue")) {
                bind(ps, 1, limits.keySet());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) room.merge(rs.getString(1), -rs.getInt(2), Integer::sum);
                }
            }
            room.forEach((q, left) -> {
                if (left <= 0) closed.add(q);
            });
        }
        // Priorities other than 0, by level.
        priorities.forEach((name, priority) -> {
            if (!closed.contains(name)) byPriority.computeIfAbsent(priority, k -> new TreeSet<>()).add(name);
        });
        Set<String> ranked = byPriority.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        List<Level> levels = new ArrayList<>();
        boolean defaultDone = false;
        for (Map.Entry<Integer, Set<String>> e : byPriority.entrySet()) {
            if (!defaultDone && e.getKey() > 0) {
                defaultLevel(only, closed, ranked).ifPresent(levels::add);
                defaultDone = true;
            }
            levels.add(new Level(" AND work_queue IN " + placeholders(e.getValue().size()), List.copyOf(e.getValue())));
        }
        if (!defaultDone) defaultLevel(only, closed, ranked).ifPresent(levels::add);
        return new Plan(levels, room);
    }

    /** The level of the queues at priority 0: the served queues that are neither closed nor ranked. */
    private static Optional<Level> defaultLevel(Set<String> only, Set<String> closed, Set<String> ranked) {
        if (only.isEmpty()) {
            List<String> excluded = new ArrayList<>(closed);
            excluded.addAll(ranked);
            return Optional.of(excluded.isEmpty() ? new Level("", List.of())
                    : new Level(" AND work_queue NOT IN " + placeholders(excluded.size()), excluded));
        }
        List<String> open = only.stream().filter(q -> !closed.contains(q) && !ranked.contains(q)).toList();
        return open.isEmpty() ? Optional.empty()
                : Optional.of(new Level(" AND work_queue IN " + placeholders(open.size()), open));
    }

    private static int bind(PreparedStatement ps, int from, Collection<String> values) throws SQLException {
        int i = from;
        for (String v : values) ps.setString(i++, v);
        return i;
    }
}
