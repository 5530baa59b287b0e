package io.flowcore.engine.internal.store;

import static io.flowcore.engine.internal.store.Columns.setText;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.infra.InfraJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import io.flowcore.engine.internal.schedule.ScheduleJson;

/*
 * The deployments and the claim of due runs, on SQLite or PostgreSQL. Unlike run states these are not
 * written behind: each call is its own transaction on a pooled connection and has committed when it
 * returns (a CLI that creates a run must be able to print its id and exit).
 *
 * Claims of due runs: see JdbcClaims.
 */
final class JdbcDeployments {
    private static final String COLS = "id, flow_name, name, version, flow_class, flow_method, parameters_json, tags, "
            + "work_queue, description, content_hash, created_at, parameter_schema, schedules, retries, "
            + "max_lateness_ms, infrastructure, code, overlap_max_active, overlap_policy, catchup, catchup_max, retention_ms";

    private final Dialect dialect;
    private final DataSource pool;
    private final DeploymentVersions known = new DeploymentVersions();
    private final JdbcClaims claims;

    JdbcDeployments(Dialect dialect, DataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
        this.claims = new JdbcClaims(dialect, pool, known);
    }

    /** A transaction on a pooled connection; a busy or serialisation error retries it. */
    private <T> T inTransaction(String what, Dialect.SqlWork<T> work) {
        return dialect.inPooledTransaction(pool, what, work);
    }

    DeploymentRecord apply(DeploymentRecord d) {
        return inTransaction("apply deployment " + d.fullName(), c -> {
            Optional<DeploymentRecord> newest = newest(c, d.flowName(), d.name());
            if (newest.isPresent() && newest.get().contentHash().equals(d.contentHash())) return newest.get();
            DeploymentRecord next = d.withVersion(newest.map(n -> n.version() + 1).orElse(1));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO deployments (" + COLS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                setText(ps, 1, next.id());
                setText(ps, 2, next.flowName());
                setText(ps, 3, next.name());
                ps.setInt(4, next.version());
                setText(ps, 5, next.flowClass());
                setText(ps, 6, next.flowMethod());
                setText(ps, 7, next.parametersJson());
                setText(ps, 8, String.join(",", next.tags()));
                setText(ps, 9, next.workQueue());
                setText(ps, 10, next.description());
                setText(ps, 11, next.contentHash());
                ps.setLong(12, Columns.nanos(next.createdAt()));
                setText(ps, 13, next.parameterSchema());
                setText(ps, 14, next.schedules().isEmpty() ? null : ScheduleJson.toJson(next.schedules()));
                ps.setInt(15, next.retries());
                if (next.maxLateness() == null) ps.setNull(16, java.sql.Types.BIGINT);
                else ps.setLong(16, next.maxLateness().toMillis());
                setText(ps, 17, next.infrastructure().isInProcess() && next.infrastructure().settings().isEmpty()
                        ? null : InfraJson.toJson(next.infrastructure()));
                setText(ps, 18, next.code() == null ? null : InfraJson.toJson(next.code()));
                if (next.overlap() == null) ps.setNull(19, java.sql.Types.INTEGER);
                else ps.setInt(19, next.overlap().maxActive());
                setText(ps, 20, next.overlap() == null ? null : next.overlap().policy().yamlName());
                boolean catchup = next.catchup().mode() != io.flowcore.api.deployment.Catchup.Mode.NONE;
                setText(ps, 21, catchup ? next.catchup().mode().yamlName() : null);
                if (catchup) ps.setInt(22, next.catchup().max());
                else ps.setNull(22, java.sql.Types.INTEGER);
                if (next.retention() == null) ps.setNull(23, java.sql.Types.BIGINT);
                else ps.setLong(23, next.retention().toMillis());
                ps.executeUpdate();
            }
            return next;
        });
    }

    private static Optional<DeploymentRecord> newest(Connection c, String flowName, String name) throws SQLException {
        List<DeploymentRecord> rows = query(c, "SELECT " + COLS + " FROM deployments WHERE flow_name = ? AND name = ? "
                + "ORDER BY version DESC LIMIT 1", flowName, name);
        return rows.stream().findFirst();
    }

    /*
     * A worker asks for the deployment of each run it claimed (where to execute it). A version row never
     * changes once stored, so versions are kept by id, and the claim notes each claimed run's version id:
     * a run this store claimed needs no query at all.
     */
    Optional<DeploymentRecord> deploymentOfRun(java.util.UUID flowRunId) {
        String versionId = known.claimedVersion(flowRunId);
        if (versionId != null) {
            if (versionId.isEmpty()) return Optional.empty();
            DeploymentRecord d = known.get(versionId);
            if (d != null) return Optional.of(d);
        }
        Optional<DeploymentRecord> d = inTransaction("read the deployment of flow run " + flowRunId, c -> query(c,
                "SELECT " + COLS + " FROM deployments WHERE id = (SELECT deployment_id FROM flow_runs WHERE id = ?)",
                flowRunId.toString()).stream().findFirst());
        d.ifPresent(known::put);
        return d;
    }

    Optional<DeploymentRecord> deployment(String flowName, String name) {
        return inTransaction("read deployment " + flowName + "/" + name, c -> newest(c, flowName, name));
    }

    List<DeploymentRecord> versions(String flowName, String name) {
        return inTransaction("read deployment " + flowName + "/" + name, c -> query(c, "SELECT " + COLS
                + " FROM deployments WHERE flow_name = ? AND name = ? ORDER BY version", flowName, name));
    }

    List<DeploymentRecord> all() {
        // a join with the newest versions, not a subquery per row: a scheduler pass reads every deployment
        return inTransaction("list deployments", c -> query(c, "SELECT " + COLS.replaceAll("(^|, )", "$1d.")
                + " FROM deployments d JOIN (SELECT flow_name AS f, name AS n, MAX(version) AS v FROM deployments "
                + "GROUP BY flow_name, name) newest ON newest.f = d.flow_name AND newest.n = d.name AND newest.v = d.version "
                + "ORDER BY d.flow_name, d.name"));
    }

    private static io.flowcore.api.deployment.Overlap overlap(ResultSet rs) throws SQLException {
        int max = rs.getInt("overlap_max_active");
        if (rs.wasNull()) return null;
        return new io.flowcore.api.deployment.Overlap(max,
                io.flowcore.api.deployment.Overlap.Policy.parse(rs.getString("overlap_policy")));
    }

    private static io.flowcore.api.deployment.Catchup catchup(ResultSet rs) throws SQLException {
        String mode = rs.getString("catchup");
        if (mode == null) return null;
        return new io.flowcore.api.deployment.Catchup(io.flowcore.api.deployment.Catchup.Mode.parse(mode),
                rs.getInt("catchup_max"));
    }

    private static java.time.Duration millis(ResultSet rs, String column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : java.time.Duration.ofMillis(ms);
    }

    private static java.time.Duration maxLateness(ResultSet rs) throws SQLException {
        long ms = rs.getLong("max_lateness_ms");
        return rs.wasNull() ? null : java.time.Duration.ofMillis(ms);
    }

    private static List<DeploymentRecord> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                List<DeploymentRecord> out = new ArrayList<>();
                while (rs.next()) {
                    String tags = rs.getString("tags");
                    out.add(new DeploymentRecord(rs.getString("id"), rs.getString("flow_name"), rs.getString("name"),
                            rs.getInt("version"), rs.getString("flow_class"), rs.getString("flow_method"),
                            rs.getString("parameters_json"), tags.isEmpty() ? List.of() : Arrays.asList(tags.split(",")),
                            rs.getString("work_queue"), rs.getString("description"), rs.getString("content_hash"),
                            Columns.instant(rs.getLong("created_at")), rs.getString("parameter_schema"),
                            ScheduleJson.fromJson(rs.getString("schedules")), rs.getInt("retries"),
                            maxLateness(rs), InfraJson.infrastructure(rs.getString("infrastructure")),
                            InfraJson.code(rs.getString("code")), overlap(rs), catchup(rs),
                            millis(rs, "retention_ms")));
                }
                return out;
            }
        }
    }

    void insertScheduledRun(FlowRunRecord r, String deploymentId, String workQueue) {
        if (r.state().type() != StateType.SCHEDULED || r.state().scheduledTime() == null) {
            throw new IllegalArgumentException("a run waiting for a worker must be Scheduled with a time: " + r.state());
        }
        inTransaction("create a run of deployment " + deploymentId, c -> {
            try (PreparedStatement ps = c.prepareStatement(OpApplier.INSERT_FLOW_FOR_DEPLOYMENT)) {
                OpApplier.bindFlowRun(ps, r, r.state(), 0);
                setText(ps, 17, deploymentId);
                setText(ps, 18, workQueue);
                ps.executeUpdate();
            }
            OpApplier.insertHistory(c, r.id(), 0, r.state());
            notifyQueued(c, workQueue);
            return null;
        });
    }

    /** Wakes the workers listening on PostgreSQL when this transaction commits (see PgRunWakeups). */
    private void notifyQueued(Connection c, String workQueue) throws SQLException {
        if (dialect != Dialect.POSTGRESQL) return;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + PgRunWakeups.CHANNEL + "', ?)")) {
            ps.setString(1, workQueue);
            ps.execute();
        }
    }

    int skipTooLate(DeploymentRecord d, Instant now) {
        if (d.maxLateness() == null) return 0;
        return moveWaiting("skip runs of " + d.fullName() + " too late to start",
                "JOIN deployments d ON d.id = f.deployment_id WHERE d.flow_name = ? AND d.name = ? AND ",
                List.of(d.flowName(), d.name()), now.minus(d.maxLateness()), true,
                w -> State.named(StateType.CANCELLED, "Skipped", now, "skipped: not started "
                        + java.time.Duration.between(w.scheduled(), now).toSeconds() + " s after its scheduled time "
                        + w.scheduled() + ", past the deployment's maxLateness of " + d.maxLateness().toSeconds() + " s"));
    }

    int markLate(Instant lateBefore, Instant now) {
        return moveWaiting("mark late runs", "WHERE f.state_name <> 'Late' AND ", List.of(), lateBefore, false,
                w -> new State(StateType.SCHEDULED, "Late", now, "not started "
                        + java.time.Duration.between(w.scheduled(), now).toSeconds() + " s after its scheduled time "
                        + w.scheduled(), w.scheduled()));
    }

    /** A run waiting for a worker, as read for a state change. */
    private record Waiting(java.util.UUID id, long epoch, long seq, Instant scheduled) {
    }

    /**
     * Moves the runs that wait for a worker (Scheduled, unclaimed) and were due before {@code dueBefore} to the
     * state {@code to} gives each, with their history rows and notification events, in one transaction. The
     * UPDATE repeats the waiting conditions, so a run a worker claims meanwhile is left alone; with
     * {@code newEpoch} the claim epoch moves on, so a claim racing this one loses.
     *
     * @param filter SQL after {@code FROM flow_runs f}, ending in {@code AND } (its parameters in {@code args})
     */
    private int moveWaiting(String what, String filter, List<String> args, Instant dueBefore, boolean newEpoch,
                            java.util.function.Function<Waiting, State> to) {
        return inTransaction(what, c -> {
            List<Waiting> waiting = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT f.id, f.claim_epoch, f.state_seq, f.state_scheduled "
                    + "FROM flow_runs f " + filter + "f.engine_id IS NULL AND f.state_type = 'SCHEDULED' "
                    + "AND f.state_scheduled < ? ORDER BY f.state_scheduled LIMIT 1000"
                    + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE OF f SKIP LOCKED" : ""))) {
                int i = 1;
                for (String a : args) ps.setString(i++, a);
                ps.setLong(i, Columns.nanos(dueBefore));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        waiting.add(new Waiting(java.util.UUID.fromString(rs.getString(1)), rs.getLong(2), rs.getLong(3),
                                Columns.instant(rs.getLong(4))));
                    }
                }
            }
            List<JdbcNotifications.Entered> entered = new ArrayList<>();
            List<OpApplier.History> history = new ArrayList<>();
            // One batch of updates and one of history rows, not two statements per run: a scheduler pass
            // with no worker up marks a minute's runs of 1,000 deployments Late at once. An update that
            // matched no row (a worker claimed the run meanwhile) counts 0 and its run is left out.
            try (PreparedStatement up = c.prepareStatement("UPDATE flow_runs SET state_type = ?, state_name = ?, "
                    + "state_ts = ?, state_message = ?, state_scheduled = ?, state_seq = ?, claim_epoch = ? "
                    + "WHERE id = ? AND engine_id IS NULL AND claim_epoch = ? AND state_type = 'SCHEDULED'")) {
                List<OpApplier.History> tried = new ArrayList<>();
                for (Waiting w : waiting) {
                    State state = to.apply(w);
                    long epoch = newEpoch ? w.epoch() + 1 : w.epoch();
                    long seq = newEpoch ? StoreOp.seq(epoch, 0) : Math.max(w.seq() + 1, StoreOp.seq(epoch, 1));
                    up.setString(1, state.type().name());
                    setText(up, 2, state.name());
                    up.setLong(3, Columns.nanos(state.timestamp()));
                    setText(up, 4, state.message());
                    Columns.setInstant(up, 5, state.scheduledTime());
                    up.setLong(6, seq);
                    up.setLong(7, epoch);
                    up.setString(8, w.id().toString());
                    up.setLong(9, w.epoch());
                    up.addBatch();
                    tried.add(new OpApplier.History(w.id(), seq, state));
                }
                int[] counts = tried.isEmpty() ? new int[0] : up.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] != 1) continue;
                    history.add(tried.get(k));
                    entered.add(new JdbcNotifications.Entered(tried.get(k).runId(), tried.get(k).state()));
                }
            }
            if (!history.isEmpty()) OpApplier.insertHistory(c, history);
            JdbcNotifications.enqueue(c, entered);
            return entered.size();
        });
    }

    /** See {@link JdbcClaims#claimDue}. */
    List<DeploymentStore.ClaimedRun> claimDue(String engineId, Collection<String> queues, Instant now, int limit) {
        return claims.claimDue(engineId, queues, now, limit);
    }

    /* Schedule runs. The key row goes in first with ON CONFLICT DO NOTHING: on PostgreSQL a second
     * scheduler inserting the same key waits for the first one's transaction and then inserts nothing; on
     * SQLite the write lock serialises them. Only the one that got the key inserts the run. */
    List<FlowRunRecord> insertScheduleRuns(List<DeploymentStore.ScheduleRun> runs) {
        if (runs.isEmpty()) return List.of();
        for (DeploymentStore.ScheduleRun r : runs) {
            State s = r.run().state();
            if (s.type() != StateType.SCHEDULED || s.scheduledTime() == null) {
                throw new IllegalArgumentException("a run waiting for a worker must be Scheduled with a time: " + s);
            }
        }
        // Keys, runs and histories each in a few statements instead of three statements per run: a pass over
        // 1,000 minutely crons inserts 1,000 runs at once. Every scheduler sends its keys in the same order
        // (deployments by name, instants ascending), so two racing on PostgreSQL wait, not deadlock.
        return inTransaction("create scheduled runs", c -> {
            List<DeploymentStore.ScheduleRun> won = new ArrayList<>();
            // One multi-row INSERT … RETURNING per 500 keys: a batch's update counts cannot say which keys were
            // new once the PostgreSQL driver rewrites it (reWriteBatchedInserts), the returned run ids can.
            for (int from = 0; from < runs.size(); from += 500) {
                List<DeploymentStore.ScheduleRun> chunk = runs.subList(from, Math.min(runs.size(), from + 500));
                Set<String> fresh = new java.util.HashSet<>();
                try (PreparedStatement key = c.prepareStatement("INSERT INTO schedule_runs (flow_name, deployment_name, "
                        + "schedule_key, scheduled_at, flow_run_id) VALUES "
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?)"))
                        + " ON CONFLICT DO NOTHING RETURNING flow_run_id")) {
                    int i = 1;
                    for (DeploymentStore.ScheduleRun r : chunk) {
                        setText(key, i++, r.deployment().flowName());
                        setText(key, i++, r.deployment().name());
                        setText(key, i++, r.scheduleKey());
                        key.setLong(i++, Columns.nanos(r.instant()));
                        setText(key, i++, r.run().id().toString());
                    }
                    try (ResultSet rs = key.executeQuery()) {
                        while (rs.next()) fresh.add(rs.getString(1));
                    }
                }
                for (DeploymentStore.ScheduleRun r : chunk) if (fresh.contains(r.run().id().toString())) won.add(r);
            }
            List<FlowRunRecord> inserted = new ArrayList<>();
            List<OpApplier.History> history = new ArrayList<>();
            try (PreparedStatement run = c.prepareStatement(OpApplier.INSERT_FLOW_FOR_DEPLOYMENT)) {
                for (DeploymentStore.ScheduleRun r : won) {
                    FlowRunRecord f = r.run();
                    OpApplier.bindFlowRun(run, f, f.state(), 0);
                    setText(run, 17, r.deployment().id());
                    setText(run, 18, r.deployment().workQueue());
                    run.addBatch();
                    history.add(new OpApplier.History(f.id(), 0, f.state()));
                    inserted.add(f);
                }
                if (!won.isEmpty()) run.executeBatch();
            }
            if (!history.isEmpty()) OpApplier.insertHistory(c, history);
            return inserted;
        });
    }

    /* The DELETE repeats the claim conditions; on PostgreSQL it waits for a claim in progress and then
     * re-checks them against the claimed row, so a claimed run is never deleted. */
    int deleteUnclaimedScheduleRuns(DeploymentRecord current, Set<String> keep, Instant after) {
        return inTransaction("delete future runs of " + current.fullName(), c -> {
            List<String> doomed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.flow_run_id, s.schedule_key, f.deployment_id "
                    + "FROM schedule_runs s JOIN flow_runs f ON f.id = s.flow_run_id WHERE s.flow_name = ? "
                    + "AND s.deployment_name = ? AND s.scheduled_at > ? AND f.engine_id IS NULL AND f.state_type = 'SCHEDULED'")) {
                setText(ps, 1, current.flowName());
                setText(ps, 2, current.name());
                ps.setLong(3, Columns.nanos(after));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!current.id().equals(rs.getString(3)) || !keep.contains(rs.getString(2))) doomed.add(rs.getString(1));
                    }
                }
            }
            // Keys whose run is gone (the deployment was removed, with its waiting runs) free their instants again.
            try (PreparedStatement orphans = c.prepareStatement("DELETE FROM schedule_runs WHERE flow_name = ? AND "
                    + "deployment_name = ? AND NOT EXISTS (SELECT 1 FROM flow_runs f WHERE f.id = schedule_runs.flow_run_id)")) {
                setText(orphans, 1, current.flowName());
                setText(orphans, 2, current.name());
                orphans.executeUpdate();
            }
            int deleted = 0;
            try (PreparedStatement run = c.prepareStatement("DELETE FROM flow_runs WHERE id = ? AND engine_id IS NULL "
                    + "AND state_type = 'SCHEDULED'");
                 PreparedStatement history = c.prepareStatement("DELETE FROM state_history WHERE run_id = ?");
                 PreparedStatement key = c.prepareStatement("DELETE FROM schedule_runs WHERE flow_run_id = ?")) {
                for (String id : doomed) {
                    run.setString(1, id);
                    if (run.executeUpdate() != 1) continue;
                    history.setString(1, id);
                    history.executeUpdate();
                    key.setString(1, id);
                    key.executeUpdate();
                    deleted++;
                }
            }
            return deleted;
        });
    }
}
