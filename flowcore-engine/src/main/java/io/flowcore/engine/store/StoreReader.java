package io.flowcore.engine.store;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
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
    private static final String FLOW_COLS = "id, name, flow_name, flow_class, flow_method, parameters_json, "
            + "parent_flow_run_id, resume_of, engine_id, created_at, state_type, state_name, state_ts, state_message, "
            + "state_scheduled";
    private static final String TASK_COLS = "id, flow_run_id, task_key, name, dynamic_key, cache_key, upstream, "
            + "result_ref, created_at, state_type, state_name, state_ts, state_message, state_scheduled";
    private static final String NON_FINAL = Arrays.stream(StateType.values()).filter(t -> !t.isFinal())
            .map(t -> "'" + t.name() + "'").collect(Collectors.joining(", ", "(", ")"));

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A non-final flow run with its engine's lease, if it has one. */
    record LiveRun(UUID id, EngineLease lease) {
    }

    /** A run's kind and the next free history seq. */
    record RunHead(boolean task, long nextSeq) {
    }

    private final DataSource readers;

    StoreReader(DataSource readers) {
        this.readers = readers;
    }

    Optional<FlowRunRecord> flowRun(UUID id) {
        return one("SELECT " + FLOW_COLS + " FROM flow_runs WHERE id = ?", StoreReader::flowRun, id.toString());
    }

    List<FlowRunRecord> flowRuns(FlowRunQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + FLOW_COLS + " FROM flow_runs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.flowName() != null) {
            sql.append(" AND flow_name = ?");
            args.add(q.flowName());
        }
        if (!q.states().isEmpty()) {
            sql.append(q.states().stream().map(s -> "?").collect(Collectors.joining(", ", " AND state_type IN (", ")")));
            q.states().forEach(s -> args.add(s.name()));
        }
        if (q.createdAfter() != null) {
            sql.append(" AND created_at >= ?");
            args.add(Columns.nanos(q.createdAfter()));
        }
        if (q.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            args.add(Columns.nanos(q.createdBefore()));
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ?");
        args.add(q.limit());
        return list(sql.toString(), StoreReader::flowRun, args.toArray());
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
        if (taskHistory.isPresent()) return HistoryCodec.decode(runId, taskHistory.get());
        return list("SELECT seq, type, name, ts, message, scheduled_time FROM state_history WHERE run_id = ? ORDER BY seq",
                rs -> new StateChange(runId, rs.getLong("seq"), new State(StateType.valueOf(rs.getString("type")),
                        rs.getString("name"), Columns.instant(rs.getLong("ts")), rs.getString("message"),
                        Columns.getInstant(rs, "scheduled_time"))), runId.toString());
    }

    List<RunLog> logs(UUID flowRunId) {
        return list("SELECT task_run_id, ts, level, logger, message FROM run_logs WHERE flow_run_id = ? ORDER BY origin, origin_seq",
                rs -> new RunLog(flowRunId, Columns.getUuid(rs, "task_run_id"), Columns.instant(rs.getLong("ts")),
                        rs.getString("level"), rs.getString("logger"), rs.getString("message")), flowRunId.toString());
    }

    Optional<CacheEntry> findCache(String key) {
        return one("SELECT cache_key, result_ref, task_run_id, expires_at FROM cache_entries WHERE cache_key = ?",
                rs -> new CacheEntry(rs.getString("cache_key"), rs.getString("result_ref"),
                        Columns.getUuid(rs, "task_run_id"), Columns.getInstant(rs, "expires_at")), key);
    }

    /** Non-final flow runs, oldest first, each with its engine's lease (null when there is none). */
    List<LiveRun> liveFlowRuns() {
        return list("SELECT f.id, l.engine_id, l.host, l.pid, l.started_at, l.heartbeat_at FROM flow_runs f "
                + "LEFT JOIN engine_leases l ON l.engine_id = f.engine_id WHERE f.state_type IN " + NON_FINAL
                + " ORDER BY f.created_at, f.id", rs -> {
                    String engine = rs.getString("engine_id");
                    EngineLease lease = engine == null ? null : new EngineLease(engine, rs.getString("host"),
                            rs.getLong("pid"), Columns.getInstant(rs, "started_at"),
                            Columns.getInstant(rs, "heartbeat_at"));
                    return new LiveRun(UUID.fromString(rs.getString("id")), lease);
                });
    }

    /** The non-final task runs of a flow run: id and result ref. */
    List<TaskRunRecord> liveTaskRuns(UUID flowRunId) {
        return list("SELECT " + TASK_COLS + " FROM task_runs WHERE flow_run_id = ? AND state_type IN " + NON_FINAL
                + " ORDER BY pk", StoreReader::taskRun, flowRunId.toString());
    }

    /** The run's kind and next history seq, or empty when no such run is stored. */
    Optional<RunHead> runHead(UUID id) {
        String key = id.toString();
        Optional<Long> flowSeq = one("SELECT state_seq FROM flow_runs WHERE id = ?", rs -> rs.getLong(1), key);
        if (flowSeq.isPresent()) return Optional.of(new RunHead(false, flowSeq.get() + 1));
        return one("SELECT state_seq FROM task_runs WHERE id = ?", rs -> new RunHead(true, rs.getLong(1) + 1), key);
    }

    private static FlowRunRecord flowRun(ResultSet rs) throws SQLException {
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
