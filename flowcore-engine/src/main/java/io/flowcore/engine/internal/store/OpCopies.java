package io.flowcore.engine.internal.store;

import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** OpApplier's bulk inserts as PostgreSQL COPYs (PgCopyRows): the same columns and values as its INSERTs. */
final class OpCopies {
    private static final String TASKS = "task_runs (id, flow_run_id, task_key, name, dynamic_key, cache_key, upstream, "
            + "created_at, result_ref, " + OpApplier.STATE_COLS + ", history)";
    private static final String LOGS = "run_logs (origin, origin_seq, flow_run_id, task_run_id, ts, level, logger, message)";
    private static final String HISTORY = "state_history (run_id, seq, type, name, ts, message, scheduled_time)";

    private OpCopies() {
    }

    static void tasks(Connection c, Iterable<TaskRunRecord> runs, Map<UUID, OpApplier.Newest> states,
                      Map<UUID, StringBuilder> history) throws SQLException {
        try (PgCopyRows rows = new PgCopyRows(c, TASKS)) {
            for (TaskRunRecord r : runs) {
                OpApplier.Newest n = states.remove(r.id());
                rows.text(r.id().toString()).text(r.flowRunId().toString()).text(r.taskKey()).text(r.name())
                        .number(r.dynamicKey()).text(r.cacheKey())
                        .text(r.upstream().isEmpty() ? "" : r.upstream().stream().map(UUID::toString).collect(Collectors.joining(",")))
                        .number(Columns.nanos(r.createdAt())).text(n == null ? r.resultRef() : n.resultRef());
                state(rows, n == null ? r.state() : n.state(), n == null ? 0 : n.seq());
                rows.text(history.get(r.id()).toString()).endRow();
            }
            rows.finish();
        }
    }

    static void history(Connection c, List<OpApplier.History> history) throws SQLException {
        try (PgCopyRows rows = new PgCopyRows(c, HISTORY)) {
            for (OpApplier.History h : history) {
                State s = h.state();
                rows.text(h.runId().toString()).number(h.seq()).text(s.type().name()).text(s.name())
                        .number(Columns.nanos(s.timestamp())).text(s.message()).number(nanos(s.scheduledTime())).endRow();
            }
            rows.finish();
        }
    }

    static void logs(Connection c, List<StoreOp.AppendLog> logs) throws SQLException {
        try (PgCopyRows rows = new PgCopyRows(c, LOGS)) {
            for (StoreOp.AppendLog op : logs) {
                RunLog l = op.log();
                rows.number(op.origin()).number(op.logSeq()).text(l.flowRunId().toString())
                        .text(l.taskRunId() == null ? null : l.taskRunId().toString()).number(Columns.nanos(l.timestamp()))
                        .text(l.level()).text(l.logger()).text(l.message()).endRow();
            }
            rows.finish();
        }
    }

    /** The six state columns, in {@code STATE_COLS} order. */
    private static void state(PgCopyRows rows, State s, long seq) {
        rows.text(s.type().name()).text(s.name()).number(Columns.nanos(s.timestamp())).text(s.message())
                .number(nanos(s.scheduledTime())).number(seq);
    }

    private static Long nanos(java.time.Instant t) {
        return t == null ? null : Columns.nanos(t);
    }
}
