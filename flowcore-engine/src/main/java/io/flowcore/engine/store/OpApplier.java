package io.flowcore.engine.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/*
 * Applies a batch of StoreOps in one transaction with batched prepared statements. The batch is first
 * folded: a run inserted in the batch is inserted with its newest state; other state changes of one
 * run collapse to the newest (highest seq); cache puts and lease changes collapse to the last per key.
 * History rows and logs are all kept. Every statement is idempotent (see StoreOp), so a batch may be
 * retried after a busy error and a journal replayed after a crash. Used by the writer thread only.
 */
final class OpApplier {
    private static final String STATE_COLS = "state_type, state_name, state_ts, state_message, state_scheduled, state_seq";
    private static final String STATE_UPSERT = "state_type = excluded.state_type, state_name = excluded.state_name, "
            + "state_ts = excluded.state_ts, state_message = excluded.state_message, "
            + "state_scheduled = excluded.state_scheduled, state_seq = excluded.state_seq";
    private static final String INSERT_FLOW = "INSERT INTO flow_runs (id, name, flow_name, flow_class, flow_method, "
            + "parameters_json, parent_flow_run_id, resume_of, engine_id, created_at, " + STATE_COLS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + STATE_UPSERT + " WHERE flow_runs.state_seq < excluded.state_seq";
    private static final String INSERT_TASK = "INSERT INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, "
            + "cache_key, upstream, created_at, result_ref, " + STATE_COLS
            + ", history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + STATE_UPSERT + ", result_ref = excluded.result_ref, history = excluded.history "
            + "WHERE task_runs.state_seq < excluded.state_seq";
    private static final String UPDATE_FLOW = "UPDATE flow_runs SET state_type = ?, state_name = ?, state_ts = ?, "
            + "state_message = ?, state_scheduled = ?, state_seq = ? WHERE id = ? AND state_seq < ?";
    /* Guarded by the first seq of the batch (not the newest): the row then holds exactly the states before it. */
    private static final String UPDATE_TASK = "UPDATE task_runs SET state_type = ?, state_name = ?, state_ts = ?, "
            + "state_message = ?, state_scheduled = ?, state_seq = ?, result_ref = ?, history = history || ? "
            + "WHERE id = ? AND state_seq < ?";
    private static final String INSERT_HISTORY = "INSERT INTO state_history (run_id, seq, type, name, ts, message, "
            + "scheduled_time) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_LOG = "INSERT INTO run_logs (origin, origin_seq, flow_run_id, task_run_id, ts, "
            + "level, logger, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String PUT_CACHE = "INSERT INTO cache_entries (cache_key, result_ref, task_run_id, expires_at) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT (cache_key) DO UPDATE SET result_ref = excluded.result_ref, "
            + "task_run_id = excluded.task_run_id, expires_at = excluded.expires_at";
    private static final String HEARTBEAT = "INSERT INTO engine_leases (engine_id, host, pid, started_at, heartbeat_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (engine_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, "
            + "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at";
    private static final String RELEASE = "DELETE FROM engine_leases WHERE engine_id = ?";

    private record History(UUID runId, long seq, State state) {
    }

    /** A run's newest state within the batch; for task runs also the batch's first seq and its history lines. */
    private record Newest(State state, long seq, String resultRef, long firstSeq, StringBuilder lines) {
    }

    /** Writes each op on its own (no folding across ops): for replaying a journal whose batches may differ. */
    void writeEach(Connection c, List<StoreOp> ops) throws SQLException {
        for (StoreOp op : ops) write(c, List.of(op));
    }

    /** Folds the batch and writes it; the caller owns the transaction. */
    void write(Connection c, List<StoreOp> batch) throws SQLException {
        Map<UUID, FlowRunRecord> flowInserts = new LinkedHashMap<>();
        Map<UUID, TaskRunRecord> taskInserts = new LinkedHashMap<>();
        Map<UUID, Newest> flowStates = new HashMap<>();
        Map<UUID, Newest> taskStates = new HashMap<>();
        Map<UUID, StringBuilder> taskHistory = new HashMap<>();
        List<History> history = new ArrayList<>();
        List<StoreOp.AppendLog> logs = new ArrayList<>();
        Map<String, CacheEntry> cache = new LinkedHashMap<>();
        Map<String, StoreOp> leases = new LinkedHashMap<>();
        for (StoreOp op : batch) {
            switch (op) {
                case StoreOp.InsertFlowRun(FlowRunRecord r) -> {
                    flowInserts.putIfAbsent(r.id(), r);
                    history.add(new History(r.id(), 0, r.state()));
                }
                case StoreOp.InsertTaskRun(TaskRunRecord r) -> {
                    taskInserts.putIfAbsent(r.id(), r);
                    HistoryCodec.append(taskHistory.computeIfAbsent(r.id(), k -> new StringBuilder()), 0, r.state());
                }
                case StoreOp.SetFlowRunState(UUID id, State s, long seq) -> {
                    flowStates.merge(id, new Newest(s, seq, null, seq, null), OpApplier::newer);
                    history.add(new History(id, seq, s));
                }
                case StoreOp.SetTaskRunState(UUID id, State s, String ref, long seq) -> {
                    StringBuilder lines = taskHistory.computeIfAbsent(id, k -> new StringBuilder());
                    HistoryCodec.append(lines, seq, s);
                    taskStates.merge(id, new Newest(s, seq, ref, seq, lines), OpApplier::newer);
                }
                case StoreOp.AppendLog l -> logs.add(l);
                case StoreOp.PutCache(CacheEntry e) -> cache.put(e.cacheKey(), e);
                case StoreOp.Heartbeat(EngineLease l) -> leases.put(l.engineId(), op);
                case StoreOp.ReleaseLease(String engineId) -> leases.put(engineId, op);
            }
        }
        if (!flowInserts.isEmpty()) insertFlows(c, flowInserts.values(), flowStates);
        if (!taskInserts.isEmpty()) insertTasks(c, taskInserts.values(), taskStates, taskHistory);
        if (!flowStates.isEmpty()) updateStates(c, UPDATE_FLOW, flowStates, false);
        if (!taskStates.isEmpty()) updateStates(c, UPDATE_TASK, taskStates, true);
        if (!history.isEmpty()) insertHistory(c, history);
        if (!logs.isEmpty()) insertLogs(c, logs);
        if (!cache.isEmpty()) putCache(c, cache.values());
        if (!leases.isEmpty()) writeLeases(c, leases.values());
    }

    private static Newest newer(Newest a, Newest b) {
        Newest n = b.seq() > a.seq() ? b : a;
        return new Newest(n.state(), n.seq(), n.resultRef(), Math.min(a.firstSeq(), b.firstSeq()), n.lines());
    }

    /** Inserts with the newest state of the batch (removing it from {@code states}), or seq 0. */
    private static void insertFlows(Connection c, Iterable<FlowRunRecord> runs, Map<UUID, Newest> states)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_FLOW)) {
            for (FlowRunRecord r : runs) {
                Newest n = states.remove(r.id());
                ps.setString(1, r.id().toString());
                ps.setString(2, r.name());
                ps.setString(3, r.flowName());
                ps.setString(4, r.flowClass());
                ps.setString(5, r.flowMethod());
                ps.setString(6, r.parametersJson());
                Columns.setUuid(ps, 7, r.parentFlowRunId());
                Columns.setUuid(ps, 8, r.resumeOf());
                ps.setString(9, r.engineId());
                ps.setLong(10, Columns.nanos(r.createdAt()));
                setState(ps, 11, n == null ? r.state() : n.state(), n == null ? 0 : n.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertTasks(Connection c, Iterable<TaskRunRecord> runs, Map<UUID, Newest> states,
                                    Map<UUID, StringBuilder> history) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_TASK)) {
            for (TaskRunRecord r : runs) {
                Newest n = states.remove(r.id());
                ps.setString(1, r.id().toString());
                ps.setString(2, r.flowRunId().toString());
                ps.setString(3, r.taskKey());
                ps.setString(4, r.name());
                ps.setInt(5, r.dynamicKey());
                ps.setString(6, r.cacheKey());
                ps.setString(7, r.upstream().stream().map(UUID::toString).collect(Collectors.joining(",")));
                ps.setLong(8, Columns.nanos(r.createdAt()));
                ps.setString(9, n == null ? r.resultRef() : n.resultRef());
                setState(ps, 10, n == null ? r.state() : n.state(), n == null ? 0 : n.seq());
                ps.setString(16, history.get(r.id()).toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void updateStates(Connection c, String sql, Map<UUID, Newest> states, boolean task)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Map.Entry<UUID, Newest> e : states.entrySet()) {
                Newest n = e.getValue();
                setState(ps, 1, n.state(), n.seq());
                int i = 7;
                if (task) {
                    ps.setString(i++, n.resultRef());
                    ps.setString(i++, n.lines().toString());
                }
                ps.setString(i++, e.getKey().toString());
                ps.setLong(i, task ? n.firstSeq() : n.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Sets the six state columns starting at {@code i}. */
    private static void setState(PreparedStatement ps, int i, State s, long seq) throws SQLException {
        ps.setString(i, s.type().name());
        ps.setString(i + 1, s.name());
        ps.setLong(i + 2, Columns.nanos(s.timestamp()));
        ps.setString(i + 3, s.message());
        Columns.setInstant(ps, i + 4, s.scheduledTime());
        ps.setLong(i + 5, seq);
    }

    private static void insertHistory(Connection c, List<History> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_HISTORY)) {
            for (History h : rows) {
                ps.setString(1, h.runId().toString());
                ps.setLong(2, h.seq());
                ps.setString(3, h.state().type().name());
                ps.setString(4, h.state().name());
                ps.setLong(5, Columns.nanos(h.state().timestamp()));
                ps.setString(6, h.state().message());
                Columns.setInstant(ps, 7, h.state().scheduledTime());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertLogs(Connection c, List<StoreOp.AppendLog> logs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_LOG)) {
            for (StoreOp.AppendLog op : logs) {
                RunLog l = op.log();
                ps.setLong(1, op.origin());
                ps.setLong(2, op.logSeq());
                ps.setString(3, l.flowRunId().toString());
                Columns.setUuid(ps, 4, l.taskRunId());
                ps.setLong(5, Columns.nanos(l.timestamp()));
                ps.setString(6, l.level());
                ps.setString(7, l.logger());
                ps.setString(8, l.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void putCache(Connection c, Iterable<CacheEntry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PUT_CACHE)) {
            for (CacheEntry e : entries) {
                ps.setString(1, e.cacheKey());
                ps.setString(2, e.resultRef());
                Columns.setUuid(ps, 3, e.taskRunId());
                Columns.setInstant(ps, 4, e.expiresAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeLeases(Connection c, Iterable<StoreOp> ops) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(HEARTBEAT); PreparedStatement del = c.prepareStatement(RELEASE)) {
            for (StoreOp op : ops) {
                if (op instanceof StoreOp.Heartbeat(EngineLease l)) {
                    up.setString(1, l.engineId());
                    up.setString(2, l.host());
                    up.setLong(3, l.pid());
                    Columns.setInstant(up, 4, l.startedAt());
                    up.setLong(5, Columns.nanos(l.heartbeatAt()));
                    up.executeUpdate();
                } else if (op instanceof StoreOp.ReleaseLease(String engineId)) {
                    del.setString(1, engineId);
                    del.executeUpdate();
                }
            }
        }
    }
}
