package io.flowcore.engine.store;

import io.flowcore.api.run.FlowRunRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/*
 * Retention on SQLite or PostgreSQL: deletes ended flow runs older than a time with everything that hangs
 * off them, in chunks, each chunk one transaction. Only final states qualify, and the delete repeats that
 * condition, so a run that is live (or was claimed again) in between is never deleted.
 */
final class JdbcRetention {
    private static final int CHUNK = 500;
    private static final String FINAL = "('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED')";

    private final Dialect dialect;
    private final DataSource pool;

    JdbcRetention(Dialect dialect, DataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
    }

    /** @param limit at most this many runs, oldest first (the state filter applies in the database only without states) */
    List<FlowRunRecord> deleteEndedRuns(Instant before, Collection<String> states, boolean dryRun, int limit) {
        List<FlowRunRecord> ended = dialect.inPooledTransaction(pool, "find ended runs", c -> {
            List<FlowRunRecord> out = new ArrayList<>();
            boolean limited = states.isEmpty() && limit < Integer.MAX_VALUE;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + StoreReader.FLOW_COLS + " FROM flow_runs "
                    + "WHERE created_at < ? AND state_type IN " + FINAL + " ORDER BY created_at, id"
                    + (limited ? " LIMIT " + limit : ""))) {
                ps.setLong(1, Columns.nanos(before));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(StoreReader.flowRun(rs));
                }
            }
            return out;
        });
        List<FlowRunRecord> chosen = ended.stream().filter(r -> states.isEmpty() || states.stream().anyMatch(s ->
                s.equalsIgnoreCase(r.state().name()) || s.equalsIgnoreCase(r.state().type().name()))).limit(limit).toList();
        if (dryRun) return chosen;
        for (int from = 0; from < chosen.size(); from += CHUNK) {
            List<FlowRunRecord> chunk = chosen.subList(from, Math.min(chosen.size(), from + CHUNK));
            dialect.inPooledTransaction(pool, "delete ended runs", c -> {
                delete(c, chunk);
                return null;
            });
        }
        return chosen;
    }

    private static void delete(Connection c, List<FlowRunRecord> runs) throws SQLException {
        String ids = runs.stream().map(r -> "'" + r.id() + "'").collect(Collectors.joining(", ", "(", ")"));
        // ids are UUIDs this store wrote: safe to inline, and one statement per table instead of one per run
        String stillEnded = "SELECT id FROM flow_runs WHERE id IN " + ids + " AND state_type IN " + FINAL;
        Dialect.exec(c, "DELETE FROM state_history WHERE run_id IN (" + stillEnded + ") OR run_id IN "
                + "(SELECT id FROM task_runs WHERE flow_run_id IN (" + stillEnded + "))");
        Dialect.exec(c, "DELETE FROM run_logs WHERE flow_run_id IN (" + stillEnded + ")");
        Dialect.exec(c, "DELETE FROM notification_events WHERE flow_run_id IN (" + stillEnded + ")");
        // the schedule keys of pruned runs go too: they would otherwise grow by one row per scheduled run forever
        Dialect.exec(c, "DELETE FROM schedule_runs WHERE flow_run_id IN (" + stillEnded + ")");
        Dialect.exec(c, "DELETE FROM task_runs WHERE flow_run_id IN (" + stillEnded + ")");
        Dialect.exec(c, "DELETE FROM flow_runs WHERE id IN " + ids + " AND state_type IN " + FINAL);
    }
}
