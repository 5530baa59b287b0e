package io.flowcore.engine.internal.store;

import static io.flowcore.engine.internal.store.Columns.setText;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/*
 * Applies a batch of StoreOps in one transaction with batched prepared statements. Used by the writer
 * thread only (and by the journal replay before the writer starts).
 *
 * Fencing first. The batch is cut at each TakeOver (so what was submitted before a takeover is applied
 * before it). For each piece, the claim epochs of the flow runs it writes are read inside the
 * transaction (PostgreSQL: FOR SHARE, so a concurrent takeover waits for this commit; SQLite: the writer
 * holds the database's one write lock) and every op made under another epoch is dropped; the dropped
 * runs are returned so the engine that made them hears of it.
 *
 * Then folding: a run inserted in the piece is inserted with its newest state; other state changes of
 * one run collapse to the newest (highest seq); cache puts and lease changes collapse to the last per
 * key. History rows and logs are all kept. Every statement is idempotent (see StoreOp), so a batch may
 * be retried after a busy error and a journal replayed after a crash.
 */
final class OpApplier {
    static final String STATE_COLS = "state_type, state_name, state_ts, state_message, state_scheduled, state_seq";
    private static final String STATE_UPSERT = "state_type = excluded.state_type, state_name = excluded.state_name, "
            + "state_ts = excluded.state_ts, state_message = excluded.state_message, "
            + "state_scheduled = excluded.state_scheduled, state_seq = excluded.state_seq";
    private static final String STATE_SET = "state_type = ?, state_name = ?, state_ts = ?, state_message = ?, "
            + "state_scheduled = ?, state_seq = ?";
    private static final String FLOW_COLS = "id, name, flow_name, flow_class, flow_method, parameters_json, "
            + "parent_flow_run_id, resume_of, engine_id, created_at, " + STATE_COLS;
    private static final String INSERT_FLOW = "INSERT INTO flow_runs (" + FLOW_COLS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + STATE_UPSERT + " WHERE flow_runs.state_seq < excluded.state_seq";
    /** A run of a deployment, waiting in its work queue: {@link #bindFlowRun}, then deployment id and queue. */
    static final String INSERT_FLOW_FOR_DEPLOYMENT = "INSERT INTO flow_runs (" + FLOW_COLS
            + ", deployment_id, work_queue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TASK = "INSERT INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, "
            + "cache_key, upstream, created_at, result_ref, " + STATE_COLS
            + ", history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + STATE_UPSERT + ", result_ref = excluded.result_ref, history = excluded.history "
            + "WHERE task_runs.state_seq < excluded.state_seq";
    private static final String UPDATE_FLOW = "UPDATE flow_runs SET " + STATE_SET + " WHERE id = ? AND state_seq < ?";
    /* Guarded by the first seq of the batch (not the newest): the row then holds exactly the states before it. */
    private static final String UPDATE_TASK = "UPDATE task_runs SET " + STATE_SET + ", result_ref = ?, "
            + "history = history || ? WHERE id = ? AND state_seq < ?";
    private static final String FINISH_TASKS = "UPDATE task_runs SET " + STATE_SET + ", history = history || ? "
            + "WHERE flow_run_id = ? AND state_type IN " + Columns.NON_FINAL + " AND state_seq < ?";
    private static final String TAKE_OVER = "UPDATE flow_runs SET claim_epoch = ?, engine_id = COALESCE(?, engine_id) "
            + "WHERE id = ? AND claim_epoch = ? AND state_type IN " + Columns.NON_FINAL;
    private static final String TAKE_OVER_WITH_STATE = "UPDATE flow_runs SET claim_epoch = ?, "
            + "engine_id = COALESCE(?, engine_id), " + STATE_SET
            + " WHERE id = ? AND claim_epoch = ? AND state_type IN " + Columns.NON_FINAL;
    private static final String INSERT_HISTORY = "INSERT INTO state_history (run_id, seq, type, name, ts, message, "
            + "scheduled_time) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_LOG = "INSERT INTO run_logs (origin, origin_seq, flow_run_id, task_run_id, ts, "
            + "level, logger, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String PUT_CACHE = "INSERT INTO cache_entries (cache_key, result_ref, task_run_id, expires_at) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT (cache_key) DO UPDATE SET result_ref = excluded.result_ref, "
            + "task_run_id = excluded.task_run_id, expires_at = excluded.expires_at";
    private static final String HEARTBEAT = "INSERT INTO engine_leases (engine_id, host, pid, started_at, heartbeat_at, "
            + "namespace, process_start) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (engine_id) DO UPDATE SET "
            + "host = excluded.host, pid = excluded.pid, started_at = excluded.started_at, "
            + "heartbeat_at = excluded.heartbeat_at, namespace = excluded.namespace, process_start = excluded.process_start";
    private static final String RELEASE = "DELETE FROM engine_leases WHERE engine_id = ?";
    /**
     * Below this many rows, INSERTs: a COPY waits for the server's answer before its rows are sent (a round trip
     * more, some 0.5 ms with busy cores), which many rows repay and a few do not.
     */
    static final int COPY_MIN_ROWS = 100;

    /** What a batch did besides writing: the runs whose writes were refused, and the takeovers' outcomes. */
    static final class Outcome {
        final Set<UUID> refused = new HashSet<>();
        final List<Map.Entry<StoreOp.TakeOver, Optional<Claim>>> takeovers = new ArrayList<>();
        long quarantined;

        void add(Outcome other) {
            refused.addAll(other.refused);
            takeovers.addAll(other.takeovers);
            quarantined += other.quarantined;
        }
    }

    record History(UUID runId, long seq, State state) {
    }

    /** A run's newest state within the batch; for task runs also the batch's first seq and its history lines. */
    record Newest(State state, long seq, String resultRef, long firstSeq, StringBuilder lines) {
    }

    private final Dialect dialect;
    private final JdbcNotifications.KeptRules rules = new JdbcNotifications.KeptRules();
    /** PostgreSQL: the settings version the last epochs read saw (-1: none read in this piece). */
    private long seenVersion = -1;

    OpApplier(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Writes each op on its own (no folding across ops): for replaying a journal whose batches may differ. */
    void writeEach(Connection c, List<StoreOp> ops, Outcome out) throws SQLException {
        for (StoreOp op : ops) write(c, List.of(op), out);
    }

    /** Fences, folds and writes the batch; the caller owns the transaction. Every statement is idempotent. */
    void write(Connection c, List<StoreOp> batch, Outcome out) throws SQLException {
        write(c, batch, out, false);
    }

    /**
     * As {@link #write(Connection, List, Outcome)}, but on PostgreSQL the bulk inserts (task runs, log lines,
     * history) go in a COPY, which is not idempotent: a row that is there already fails the batch with a
     * unique violation (SQLSTATE 23505), and the caller applies it again with {@code copy} false.
     */
    void write(Connection c, List<StoreOp> batch, Outcome out, boolean copy) throws SQLException {
        boolean bulk = copy && dialect == Dialect.POSTGRESQL;
        int from = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) instanceof StoreOp.TakeOver t) {
                writePiece(c, batch.subList(from, i), out, bulk);
                out.takeovers.add(Map.entry(t, takeOver(c, t)));
                from = i + 1;
            }
        }
        writePiece(c, batch.subList(from, batch.size()), out, bulk);
    }

    private void writePiece(Connection c, List<StoreOp> piece, Outcome out, boolean copy) throws SQLException {
        if (piece.isEmpty()) return;
        ClaimEpochs.Read read = ClaimEpochs.read(dialect, c, piece);
        seenVersion = read.settingsVersion();
        Map<UUID, Long> epochs = read.epochs();
        Map<UUID, FlowRunRecord> flowInserts = new LinkedHashMap<>();
        Map<UUID, TaskRunRecord> taskInserts = new LinkedHashMap<>();
        Map<UUID, Newest> flowStates = new HashMap<>();
        Map<UUID, Newest> taskStates = new HashMap<>();
        Map<UUID, StringBuilder> taskHistory = new HashMap<>();
        List<History> history = new ArrayList<>();
        List<StoreOp.FinishTasks> finishes = new ArrayList<>();
        List<StoreOp.AppendLog> logs = new ArrayList<>();
        Map<String, CacheEntry> cache = new LinkedHashMap<>();
        Map<String, StoreOp> leases = new LinkedHashMap<>();
        for (StoreOp op : piece) {
            if (refused(op, epochs, out)) continue;
            switch (op) {
                case StoreOp.InsertFlowRun(FlowRunRecord r) -> {
                    flowInserts.putIfAbsent(r.id(), r);
                    history.add(new History(r.id(), 0, r.state()));
                }
                case StoreOp.InsertTaskRun(TaskRunRecord r, long epoch) -> {
                    taskInserts.putIfAbsent(r.id(), r);
                    HistoryCodec.append(taskHistory.computeIfAbsent(r.id(), k -> new StringBuilder()), 0, r.state());
                }
                case StoreOp.SetFlowRunState(UUID id, State s, long seq, long epoch) -> {
                    flowStates.merge(id, new Newest(s, seq, null, seq, null), OpApplier::newer);
                    history.add(new History(id, seq, s));
                }
                case StoreOp.SetTaskRunState(UUID id, UUID flowRunId, State s, String ref, long seq, long epoch) -> {
                    StringBuilder lines = taskHistory.computeIfAbsent(id, k -> new StringBuilder());
                    HistoryCodec.append(lines, seq, s);
                    taskStates.merge(id, new Newest(s, seq, ref, seq, lines), OpApplier::newer);
                }
                case StoreOp.FinishTasks f -> finishes.add(f);
                case StoreOp.AppendLog l -> logs.add(l);
                case StoreOp.PutCache(CacheEntry e) -> cache.put(e.cacheKey(), e);
                case StoreOp.Heartbeat(EngineLease l) -> leases.put(l.engineId(), op);
                case StoreOp.ReleaseLease(String engineId) -> leases.put(engineId, op);
                case StoreOp.TakeOver t -> throw new IllegalStateException("takeovers are applied by write()");
            }
        }
        if (!flowInserts.isEmpty()) insertFlows(c, flowInserts.values(), flowStates);
        if (copy && taskInserts.size() >= COPY_MIN_ROWS) OpCopies.tasks(c, taskInserts.values(), taskStates, taskHistory);
        else if (!taskInserts.isEmpty()) insertTasks(c, taskInserts.values(), taskStates, taskHistory);
        if (!flowStates.isEmpty()) updateStates(c, UPDATE_FLOW, flowStates, false);
        if (!taskStates.isEmpty()) updateStates(c, UPDATE_TASK, taskStates, true);
        for (StoreOp.FinishTasks f : finishes) finishTasks(c, f.flowRunId(), f.state(), f.seq());
        if (!history.isEmpty()) {
            if (copy && history.size() >= COPY_MIN_ROWS) OpCopies.history(c, history);
            else insertHistory(c, history);
            JdbcNotifications.enqueue(c, history.stream().map(h -> new JdbcNotifications.Entered(h.runId(), h.state())).toList(),
                    rules, seenVersion);
        }
        if (copy && logs.size() >= COPY_MIN_ROWS) OpCopies.logs(c, logs);
        else if (!logs.isEmpty()) insertLogs(c, logs);
        if (!cache.isEmpty()) putCache(c, cache.values());
        if (!leases.isEmpty()) writeLeases(c, leases.values());
    }

    /** True (and the run noted) when {@code op} was made under a claim epoch the run no longer has. */
    private static boolean refused(StoreOp op, Map<UUID, Long> epochs, Outcome out) {
        UUID flowRunId = op.fencedRun();
        long epoch = op.epoch();
        if (epoch == StoreOp.UNFENCED || flowRunId == null) return false;
        Long current = epochs.get(flowRunId);
        if (current == null || current == epoch) return false; // unknown run: nothing to fence against
        out.refused.add(flowRunId);
        return true;
    }

    /** The compare-and-set of StateStore.takeOver, inside the batch's transaction. */
    private Optional<Claim> takeOver(Connection c, StoreOp.TakeOver t) throws SQLException {
        Claim next = new Claim(t.expected().flowRunId(), t.expected().epoch() + 1);
        long seq = StoreOp.seq(next.epoch(), 0);
        String id = next.flowRunId().toString();
        int updated;
        try (PreparedStatement ps = c.prepareStatement(t.flowState() == null ? TAKE_OVER : TAKE_OVER_WITH_STATE)) {
            int i = 1;
            ps.setLong(i++, next.epoch());
            setText(ps, i++, t.engineId());
            if (t.flowState() != null) {
                setState(ps, i, t.flowState(), seq);
                i += 6;
            }
            ps.setString(i++, id);
            ps.setLong(i, t.expected().epoch());
            updated = ps.executeUpdate();
        }
        if (updated == 0) return Optional.empty();
        if (t.flowState() != null) {
            insertHistory(c, List.of(new History(next.flowRunId(), seq, t.flowState())));
            JdbcNotifications.enqueue(c, List.of(new JdbcNotifications.Entered(next.flowRunId(), t.flowState())));
        }
        if (t.taskState() != null) finishTasks(c, next.flowRunId(), t.taskState(), seq);
        return Optional.of(next);
    }

    private static void finishTasks(Connection c, UUID flowRunId, State s, long seq) throws SQLException {
        StringBuilder line = new StringBuilder();
        HistoryCodec.append(line, seq, s);
        try (PreparedStatement ps = c.prepareStatement(FINISH_TASKS)) {
            setState(ps, 1, s, seq);
            setText(ps, 7, line.toString());
            ps.setString(8, flowRunId.toString());
            ps.setLong(9, seq);
            ps.executeUpdate();
        }
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
                bindFlowRun(ps, r, n == null ? r.state() : n.state(), n == null ? 0 : n.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Binds the 16 flow-run columns (in {@code FLOW_COLS} order) with state {@code s} at {@code seq}. */
    static void bindFlowRun(PreparedStatement ps, FlowRunRecord r, State s, long seq) throws SQLException {
        ps.setString(1, r.id().toString());
        setText(ps, 2, r.name());
        setText(ps, 3, r.flowName());
        setText(ps, 4, r.flowClass());
        setText(ps, 5, r.flowMethod());
        setText(ps, 6, r.parametersJson());
        Columns.setUuid(ps, 7, r.parentFlowRunId());
        Columns.setUuid(ps, 8, r.resumeOf());
        setText(ps, 9, r.engineId());
        ps.setLong(10, Columns.nanos(r.createdAt()));
        setState(ps, 11, s, seq);
    }

    private static void insertTasks(Connection c, Iterable<TaskRunRecord> runs, Map<UUID, Newest> states,
                                    Map<UUID, StringBuilder> history) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_TASK)) {
            for (TaskRunRecord r : runs) {
                Newest n = states.remove(r.id());
                ps.setString(1, r.id().toString());
                ps.setString(2, r.flowRunId().toString());
                setText(ps, 3, r.taskKey());
                setText(ps, 4, r.name());
                ps.setInt(5, r.dynamicKey());
                setText(ps, 6, r.cacheKey());
                ps.setString(7, r.upstream().stream().map(UUID::toString).collect(Collectors.joining(",")));
                ps.setLong(8, Columns.nanos(r.createdAt()));
                setText(ps, 9, n == null ? r.resultRef() : n.resultRef());
                setState(ps, 10, n == null ? r.state() : n.state(), n == null ? 0 : n.seq());
                setText(ps, 16, history.get(r.id()).toString());
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
                    setText(ps, i++, n.resultRef());
                    setText(ps, i++, n.lines().toString());
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
        setText(ps, i + 1, s.name());
        ps.setLong(i + 2, Columns.nanos(s.timestamp()));
        setText(ps, i + 3, s.message());
        Columns.setInstant(ps, i + 4, s.scheduledTime());
        ps.setLong(i + 5, seq);
    }

    /** Appends one entry to a flow run's state history (for writes made outside a batch: claims). */
    static void insertHistory(Connection c, UUID runId, long seq, State s) throws SQLException {
        insertHistory(c, List.of(new History(runId, seq, s)));
    }

    static void insertHistory(Connection c, List<History> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_HISTORY)) {
            for (History h : rows) {
                ps.setString(1, h.runId().toString());
                ps.setLong(2, h.seq());
                ps.setString(3, h.state().type().name());
                setText(ps, 4, h.state().name());
                ps.setLong(5, Columns.nanos(h.state().timestamp()));
                setText(ps, 6, h.state().message());
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
                setText(ps, 6, l.level());
                setText(ps, 7, l.logger());
                setText(ps, 8, l.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void putCache(Connection c, Iterable<CacheEntry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PUT_CACHE)) {
            for (CacheEntry e : entries) {
                setText(ps, 1, e.cacheKey());
                setText(ps, 2, e.resultRef());
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
                    setText(up, 1, l.engineId());
                    setText(up, 2, l.host());
                    up.setLong(3, l.pid());
                    Columns.setInstant(up, 4, l.startedAt());
                    up.setLong(5, Columns.nanos(l.heartbeatAt()));
                    setText(up, 6, l.namespace());
                    Columns.setInstant(up, 7, l.processStart());
                    up.executeUpdate();
                } else if (op instanceof StoreOp.ReleaseLease(String engineId)) {
                    setText(del, 1, engineId);
                    del.executeUpdate();
                }
            }
        }
    }
}
