package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.StateStore.Pruned;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/*
 * Retention on SQLite or PostgreSQL: deletes ended flow runs older than a time with everything that hangs
 * off them, in chunks, each chunk one transaction. Only final states qualify, and the delete repeats that
 * condition, so a run that is live (or was claimed again) in between is never deleted.
 *
 * Results. A task run's large result is a key in the ResultStore (its id); a later run's cache hit or resume
 * copies that key into its own task run, and a cache entry names it too. A chunk's delete reports the keys
 * of the deleted task runs that no remaining task run and no cache entry names after the delete, in the same
 * transaction, so a key still in use survives; the pruner then deletes the reported ones from the result store.
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
        return deleteChosen(chosen).runs();
    }

    /** deleteEndedRuns with the result keys nothing names any more (StateStore.deleteEndedRunsAndResults). */
    Pruned deleteEndedRunsAndResults(Instant before, Collection<String> states) {
        return deleteChosen(deleteEndedRuns(before, states, true, Integer.MAX_VALUE));
    }

    private Pruned deleteChosen(List<FlowRunRecord> chosen) {
        List<String> keys = new ArrayList<>();
        for (int from = 0; from < chosen.size(); from += CHUNK) {
            List<FlowRunRecord> chunk = chosen.subList(from, Math.min(chosen.size(), from + CHUNK));
            keys.addAll(dialect.inPooledTransaction(pool, "delete ended runs", c -> delete(c, chunk)));
        }
        return new Pruned(chosen, keys);
    }

    /** StateStore.pruneEndedRuns: a deployment's own retention for its runs, {@code otherwise} for the rest. */
    Pruned prune(Instant otherwise, Map<String, Instant> perDeployment, int limit) {
        List<FlowRunRecord> chosen = dialect.inPooledTransaction(pool, "find ended runs", c -> {
            Map<String, List<String>> versions = new HashMap<>();
            if (!perDeployment.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, flow_name, name FROM deployments");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(2) + "/" + rs.getString(3);
                        if (perDeployment.containsKey(name)) versions.computeIfAbsent(name, k -> new ArrayList<>()).add(rs.getString(1));
                    }
                }
            }
            List<FlowRunRecord> out = new ArrayList<>();
            List<String> own = new ArrayList<>();
            for (var e : versions.entrySet()) {
                own.addAll(e.getValue());
                out.addAll(ended(c, perDeployment.get(e.getKey()), " AND deployment_id IN "
                        + JdbcWorkQueues.placeholders(e.getValue().size()), e.getValue(), limit));
            }
            if (otherwise != null) {
                out.addAll(ended(c, otherwise, own.isEmpty() ? "" : " AND (deployment_id IS NULL OR deployment_id NOT IN "
                        + JdbcWorkQueues.placeholders(own.size()) + ")", own, limit));
            }
            return out.stream().sorted(Comparator.comparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id))
                    .limit(limit).toList();
        });
        return deleteChosen(chosen);
    }

    /** Ended runs created before {@code before} that {@code filter} (its arguments {@code args}) keeps, oldest first. */
    private static List<FlowRunRecord> ended(Connection c, Instant before, String filter, List<String> args, int limit)
            throws SQLException {
        List<FlowRunRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + StoreReader.FLOW_COLS + " FROM flow_runs "
                + "WHERE created_at < ? AND state_type IN " + FINAL + filter + " ORDER BY created_at, id"
                + (limit < Integer.MAX_VALUE ? " LIMIT " + limit : ""))) {
            ps.setLong(1, Columns.nanos(before));
            for (int i = 0; i < args.size(); i++) ps.setString(i + 2, args.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(StoreReader.flowRun(rs));
            }
        }
        return out;
    }

    /** Deletes the runs that are still ended; returns the result keys of their task runs nothing names any more. */
    private static List<String> delete(Connection c, List<FlowRunRecord> runs) throws SQLException {
        String ids = runs.stream().map(r -> "'" + r.id() + "'").collect(Collectors.joining(", ", "(", ")"));
        // ids are UUIDs this store wrote: safe to inline, and one statement per table instead of one per run
        String stillEnded = "SELECT id FROM flow_runs WHERE id IN " + ids + " AND state_type IN " + FINAL;
        Set<String> keys = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT result_ref FROM task_runs WHERE flow_run_id IN ("
                + stillEnded + ") AND result_ref IS NOT NULL AND result_ref <> 'null' AND result_ref NOT LIKE 'json:%'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) keys.add(rs.getString(1));
        }
        Dialect.exec(c, "DELETE FROM state_history WHERE run_id IN (" + stillEnded + ") OR run_id IN "
                + "(SELECT id FROM task_runs WHERE flow_run_id IN (" + stillEnded + "))");
        Dialect.exec(c, "DELETE FROM run_logs WHERE flow_run_id IN (" + stillEnded + ")");
        Dialect.exec(c, "DELETE FROM notification_events WHERE flow_run_id IN (" + stillEnded + ")");
        // the schedule keys of pruned runs go too: they would otherwise grow by one row per scheduled run forever
        Dialect.exec(c, "DELETE FROM schedule_runs WHERE flow_run_id IN (" + stillEnded + ")");
        Dialect.exec(c, "DELETE FROM task_runs WHERE flow_run_id IN (" + stillEnded + ")");
        Dialect.exec(c, "DELETE FROM flow_runs WHERE id IN " + ids + " AND state_type IN " + FINAL);
        List<String> candidates = List.copyOf(keys);
        for (int from = 0; from < candidates.size(); from += CHUNK) {
            List<String> part = candidates.subList(from, Math.min(candidates.size(), from + CHUNK));
            String in = JdbcWorkQueues.placeholders(part.size());
            try (PreparedStatement ps = c.prepareStatement("SELECT result_ref FROM task_runs WHERE result_ref IN " + in
                    + " UNION SELECT result_ref FROM cache_entries WHERE result_ref IN " + in)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                    ps.setString(part.size() + i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) keys.remove(rs.getString(1)); // a cache hit, a resume or a cache entry names it
                }
            }
        }
        return List.copyOf(keys);
    }
}
