package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** The queries of a {@link JdbcStateStore}, on pooled read connections. Thread-safe. */
final class StoreReader {
    static final String FLOW_COLS = "id, name, flow_name, flow_class, flow_method, parameters_json, "
            + "parent_flow_run_id, resume_of, engine_id, created_at, state_type, state_name, state_ts, state_message, "
            + "state_scheduled";
    private static final String TASK_COLS = "id, flow_run_id, task_key, name, dynamic_key, cache_key, upstream, "
            + "result_ref, created_at, state_type, state_name, state_ts, state_message, state_scheduled";
    private static final String NON_FINAL = Columns.NON_FINAL;

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A run's kind, its current seq and (for a task run) its flow run. */
    record RunHead(boolean task, long stateSeq, UUID flowRunId) {
    }

    /** A flow run's claim epoch and current state. */
    record ClaimState(long epoch, State state) {
    }

    private final DataSource readers;
    private final Dialect dialect;

    StoreReader(DataSource readers, Dialect dialect) {
        this.readers = readers;
        this.dialect = dialect;
    }

    Optional<FlowRunRecord> flowRun(UUID id) {
        return one("SELECT " + FLOW_COLS + " FROM flow_runs WHERE id = ?", StoreReader::flowRun, id.toString());
    }

    List<FlowRunRecord> flowRuns(FlowRunQuery q) {
        // every value is a bound parameter; only the shape of the SQL depends on which filters are set
        StringBuilder sql = new StringBuilder("SELECT " + FLOW_COLS + " FROM flow_runs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.flowName() != null) {
            sql.append(" AND flow_name = ?");
            args.add(q.flowName());
        }
        if (!q.states().isEmpty() || !q.stateNames().isEmpty()) {
            List<String> either = new ArrayList<>();
            if (!q.states().isEmpty()) {
                either.add(q.states().stream().map(s -> "?").collect(Collectors.joining(", ", "state_type IN (", ")")));
                q.states().forEach(s -> args.add(s.name()));
            }
            if (!q.stateNames().isEmpty()) {
                either.add(q.stateNames().stream().map(s -> "?").collect(Collectors.joining(", ", "state_name IN (", ")")));
                args.addAll(q.stateNames());
            }
            sql.append(" AND (").append(String.join(" OR ", either)).append(")");
        }
        if (q.createdAfter() != null) {
            sql.append(" AND created_at >= ?");
            args.add(Columns.nanos(q.createdAfter()));
        }
        if (q.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            args.add(Columns.nanos(q.createdBefore()));
        }
        if (q.deployment() != null) {
            int slash = q.deployment().indexOf('/');
            sql.append(" AND deployment_id IN (SELECT id FROM deployments WHERE flow_name = ? AND name = ?)");
            args.add(slash < 0 ? q.deployment() : q.deployment().substring(0, slash));
            args.add(slash < 0 ? "" : q.deployment().substring(slash + 1));
        }
        if (q.tag() != null) {
            // tags are stored comma-joined: match one whole tag
            sql.append(" AND deployment_id IN (SELECT id FROM deployments WHERE ',' || tags || ',' LIKE ? ESCAPE '!')");
            args.add("%," + likeEscaped(q.tag()) + ",%");
        }
        if (q.after() != null) {
            long at = Columns.nanos(q.after().createdAt());
            // "created_at <= ?" first, so both databases walk the created_at index from the cursor on
            // (with the OR alone, SQLite sorted the whole table: a page 4,000 runs deep took 300 ms)
            sql.append(" AND created_at <= ? AND (created_at < ? OR id > ?)");
            args.add(at);
            args.add(at);
            args.add(q.after().id().toString());
        }
        if (q.nameContains() == null || q.nameContains().isEmpty()) return page(sql, args, q.limit());
        String text = q.nameContains().toLowerCase(java.util.Locale.ROOT);
        String name = "%" + likeEscaped(text) + "%";
        // SQLite has a trigram index of run names (V19) for three letters or more. It pays off for a rare name; a
        // common one finds its page among the newest runs at once, so those are read first. Elsewhere the LIKE
        // alone reads the runs from the newest on and stops at a full page.
        boolean indexed = dialect == Dialect.SQLITE && text.codePointCount(0, text.length()) >= 3;
        if (indexed) {
            String newest = "SELECT " + FLOW_COLS + " FROM (" + sql + " ORDER BY created_at DESC, id LIMIT ?) newest"
                    + " WHERE LOWER(name) LIKE ? ESCAPE '!' ORDER BY created_at DESC, id LIMIT ?";
            List<Object> newestArgs = new ArrayList<>(args);
            newestArgs.addAll(List.of(NEWEST_SCANNED, name, q.limit()));
            List<FlowRunRecord> hits = list(newest, StoreReader::flowRun, newestArgs.toArray());
            if (hits.size() == q.limit()) return hits;
        }
        sql.append(" AND LOWER(name) LIKE ? ESCAPE '!'");
        args.add(name);
        if (indexed) {
            // a phrase of the trigram table: the rows holding the text (case-insensitively); the LIKE decides
            sql.append(" AND rowid IN (SELECT rowid FROM flow_run_names WHERE flow_run_names MATCH ?)");
            args.add("\"" + text.replace("\"", "\"\"") + "\"");
        }
        return page(sql, args, q.limit());
    }

    /** The runs a name search on SQLite reads from the newest on before it turns to the name index. */
    static final int NEWEST_SCANNED = 2_000;

    private List<FlowRunRecord> page(StringBuilder sql, List<Object> args, int limit) {
        sql.append(" ORDER BY created_at DESC, id LIMIT ?");
        args.add(limit);
        return list(sql.toString(), StoreReader::flowRun, args.toArray());
    }

    /** {@code text} for a LIKE pattern with escape character {@code !}: its wildcards match themselves. */
    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    List<TaskRunRecord> taskRuns(UUID flowRunId) {
        return list("SELECT " + TASK_COLS + " FROM task_runs WHERE flow_run_id = ? ORDER BY pk",
                StoreReader::taskRun, flowRunId.toString());
    }

    Optional<TaskRunRecord> taskRun(UUID id) {
        return one("SELECT " + TASK_COLS + " FROM task_runs WHERE id = ?", StoreReader::taskRun, id.toString());
    }

    List<StateChange> stateHistory(UUID runId) {
        Optional<String> taskHistory = one("SELECT history FROM task_runs WHERE id = ?", rs -> rs.getString(1),
                runId.toString());
        List<StateChange> stored = taskHistory.isPresent() ? HistoryCodec.decode(runId, taskHistory.get())
                : list("SELECT seq, type, name, ts, message, scheduled_time FROM state_history WHERE run_id = ? ORDER BY seq",
                rs -> new StateChange(runId, rs.getLong("seq"), new State(StateType.valueOf(rs.getString("type")),
                        rs.getString("name"), Columns.instant(rs.getLong("ts")), rs.getString("message"),
                        Columns.getInstant(rs, "scheduled_time"))), runId.toString());
        return positions(stored);
    }

    /** Stored seqs carry the claim epoch in their high bits; a history entry's seq is its position. */
    private static List<StateChange> positions(List<StateChange> stored) {
        List<StateChange> out = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            StateChange c = stored.get(i);
            out.add(c.seq() == i ? c : new StateChange(c.runId(), i, c.state()));
        }
        return out;
    }

    List<RunLog> logs(UUID flowRunId) {
        return list("SELECT task_run_id, ts, level, logger, message FROM run_logs WHERE flow_run_id = ? ORDER BY origin, origin_seq",
                rs -> log(flowRunId, rs), flowRunId.toString());
    }

    /** Lines {@code offset} to {@code offset + limit - 1} of a run's log, in its order (an index scan, no sort). */
    List<RunLog> logs(UUID flowRunId, int offset, int limit) {
        return list("SELECT task_run_id, ts, level, logger, message FROM run_logs WHERE flow_run_id = ? "
                + "ORDER BY origin, origin_seq LIMIT ? OFFSET ?", rs -> log(flowRunId, rs), flowRunId.toString(), limit, offset);
    }

    private static RunLog log(UUID flowRunId, ResultSet rs) throws SQLException {
        return new RunLog(flowRunId, Columns.getUuid(rs, "task_run_id"), Columns.instant(rs.getLong("ts")),
                rs.getString("level"), rs.getString("logger"), rs.getString("message"));
    }

    /*
     * The counts behind /metrics in two grouped reads: flow runs by state (the state index), and per work queue the
     * due runs no engine holds with the oldest one's scheduled time (the due runs' index: on PostgreSQL
     * flow_runs_claim_order, on SQLite flow_runs_due).
     */
    io.flowcore.api.run.RunCounts runCounts(java.time.Instant now) {
        List<io.flowcore.api.run.RunCounts.StateCount> states = list("SELECT state_type, state_name, COUNT(*) FROM "
                + "flow_runs GROUP BY state_type, state_name ORDER BY state_type, state_name",
                rs -> new io.flowcore.api.run.RunCounts.StateCount(io.flowcore.api.state.StateType.valueOf(rs.getString(1)),
                        rs.getString(2), rs.getLong(3)));
        List<io.flowcore.api.run.RunCounts.QueueBacklog> queues = list("SELECT work_queue, COUNT(*), MIN(state_scheduled) "
                + "FROM flow_runs WHERE state_type = 'SCHEDULED' AND work_queue IS NOT NULL AND engine_id IS NULL "
                + "AND state_scheduled <= ? GROUP BY work_queue ORDER BY work_queue",
                rs -> new io.flowcore.api.run.RunCounts.QueueBacklog(rs.getString(1), rs.getLong(2),
                        java.time.Duration.between(Columns.instant(rs.getLong(3)), now)), Columns.nanos(now));
        return new io.flowcore.api.run.RunCounts(now, states, queues);
    }

    /** The runs created in [from, to), counted per interval and state type in one grouped read of the created_at index. */
    List<io.flowcore.api.run.CreatedRuns> createdRuns(java.time.Instant from, java.time.Instant to, java.time.Duration width) {
        long w = width.toNanos();
        if (w <= 0) throw new IllegalArgumentException("width must be positive: " + width);
        long start = Columns.nanos(from);
        return list("SELECT (created_at - ?) / ?, state_type, COUNT(*) FROM flow_runs WHERE created_at >= ? AND created_at < ? "
                + "GROUP BY 1, 2 ORDER BY 1, 2", rs -> new io.flowcore.api.run.CreatedRuns(from.plusNanos(rs.getLong(1) * w),
                width, StateType.valueOf(rs.getString(2)), rs.getLong(3)), start, w, start, Columns.nanos(to));
    }

    Optional<CacheEntry> findCache(String key) {
        return one("SELECT cache_key, result_ref, task_run_id, expires_at FROM cache_entries WHERE cache_key = ?",
                rs -> new CacheEntry(rs.getString("cache_key"), rs.getString("result_ref"),
                        Columns.getUuid(rs, "task_run_id"), Columns.getInstant(rs, "expires_at")), key);
    }

    /** Non-final flow runs, oldest first, each with its claim and its engine's lease (null when there is none). */
    List<RunClaim> liveRuns() {
        return list("SELECT f.id, f.name, f.claim_epoch, f.engine_id, f.state_type, f.state_name, f.state_ts, "
                + "f.state_message, f.state_scheduled, l.engine_id AS lease_engine, l.host, l.pid, l.started_at, "
                + "l.heartbeat_at, l.namespace, l.process_start FROM flow_runs f "
                + "LEFT JOIN engine_leases l ON l.engine_id = f.engine_id WHERE f.state_type IN " + NON_FINAL
                + " ORDER BY f.created_at, f.id", rs -> {
                    String leaseEngine = rs.getString("lease_engine");
                    EngineLease lease = leaseEngine == null ? null : new EngineLease(leaseEngine, rs.getString("host"),
                            rs.getLong("pid"), Columns.getInstant(rs, "started_at"),
                            Columns.getInstant(rs, "heartbeat_at"), rs.getString("namespace"),
                            Columns.getInstant(rs, "process_start"));
                    return new RunClaim(new Claim(UUID.fromString(rs.getString("id")), rs.getLong("claim_epoch")),
                            rs.getString("name"), state(rs), rs.getString("engine_id"), lease);
                });
    }

    Optional<ClaimState> claimState(UUID flowRunId) {
        return one("SELECT claim_epoch, state_type, state_name, state_ts, state_message, state_scheduled FROM flow_runs "
                + "WHERE id = ?", rs -> new ClaimState(rs.getLong("claim_epoch"), state(rs)), flowRunId.toString());
    }

    /** The run's kind and current seq, or empty when no such run is stored. */
    Optional<RunHead> runHead(UUID id) {
        String key = id.toString();
        Optional<Long> flowSeq = one("SELECT state_seq FROM flow_runs WHERE id = ?", rs -> rs.getLong(1), key);
        if (flowSeq.isPresent()) return Optional.of(new RunHead(false, flowSeq.get(), id));
        return one("SELECT state_seq, flow_run_id FROM task_runs WHERE id = ?",
                rs -> new RunHead(true, rs.getLong(1), UUID.fromString(rs.getString(2))), key);
    }

    static FlowRunRecord flowRun(ResultSet rs) throws SQLException {
        return new FlowRunRecord(UUID.fromString(rs.getString("id")), rs.getString("name"), rs.getString("flow_name"),
                rs.getString("flow_class"), rs.getString("flow_method"), rs.getString("parameters_json"),
                Columns.getUuid(rs, "parent_flow_run_id"), Columns.getUuid(rs, "resume_of"), rs.getString("engine_id"),
                state(rs), Columns.instant(rs.getLong("created_at")));
    }

    private static TaskRunRecord taskRun(ResultSet rs) throws SQLException {
        String up = rs.getString("upstream");
        List<UUID> upstream = up.isEmpty() ? List.of()
                : Arrays.stream(up.split(",")).map(UUID::fromString).toList();
        return new TaskRunRecord(UUID.fromString(rs.getString("id")), UUID.fromString(rs.getString("flow_run_id")),
                rs.getString("task_key"), rs.getString("name"), rs.getInt("dynamic_key"), rs.getString("cache_key"),
                upstream, state(rs), rs.getString("result_ref"), Columns.instant(rs.getLong("created_at")));
    }

    private static State state(ResultSet rs) throws SQLException {
        return new State(StateType.valueOf(rs.getString("state_type")), rs.getString("state_name"),
                Columns.instant(rs.getLong("state_ts")), rs.getString("state_message"),
                Columns.getInstant(rs, "state_scheduled"));
    }

    private <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = list(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
        try (Connection c = readers.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(mapper.map(rs));
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("state store query failed: " + sql, e);
        }
    }
}
