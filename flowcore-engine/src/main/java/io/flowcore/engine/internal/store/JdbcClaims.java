package io.flowcore.engine.internal.store;

import static io.flowcore.engine.internal.store.Columns.setText;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/*
 * The claim of due runs, on SQLite or PostgreSQL; each claim is one transaction on a pooled connection.
 *
 * PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED picks due rows no other transaction holds, and
 * the UPDATE moves each to Pending under claim_epoch + 1 with engine_id set. SQLite: BEGIN IMMEDIATE
 * takes the database's one write lock for the whole select-and-update, so two claimers are serialised.
 * Either way the UPDATE repeats the claim conditions (engine_id IS NULL AND the epoch read), so a row
 * can only be claimed once. Work queues (paused, concurrency limits, priority) shape what is selected:
 * see JdbcWorkQueues.plan.
 *
 * Each claimed run's deployment version id goes to DeploymentVersions, so the worker's question about
 * where to execute it costs no query.
 */
final class JdbcClaims {
    private final Dialect dialect;
    private final DataSource pool;
    private final DeploymentVersions known;

    /**
     * PostgreSQL: the plan of the last claim that had nothing limited, kept while the version of what shapes claims
     * (claim_settings, bumped by a trigger on every change of work_queues or deployments) stays the same. Each claim
     * with it checks the version in its own statement and claims nothing when it moved on; then the plan is read
     * again. So a claim is one statement (committed on its own when the plan has one level), and a queue paused or
     * limited meanwhile is seen by the next one.
     */
    private record KeptPlan(Set<String> served, long version, JdbcWorkQueues.Plan plan) {
    }

    private volatile KeptPlan kept;

    JdbcClaims(Dialect dialect, DataSource pool, DeploymentVersions known) {
        this.dialect = dialect;
        this.pool = pool;
        this.known = known;
    }

    /**
     * Claims up to {@code limit} runs due at {@code now} from {@code queues} (every queue when empty) for
     * {@code engineId}: each moves to Pending under its next claim epoch, oldest due first.
     */
    List<DeploymentStore.ClaimedRun> claimDue(String engineId, Collection<String> queues, Instant now, int limit) {
        List<String> deploymentIds = new ArrayList<>();
        Set<String> served = Set.copyOf(queues);
        KeptPlan one = this.kept;
        if (one != null && one.served().equals(served) && one.plan().levels().size() == 1) {
            // One level: its claim is one statement, committed on its own (a round trip, not two).
            List<DeploymentStore.ClaimedRun> claimed = new ArrayList<>();
            long seen = dialect.inPooledStatement(pool, "claim due runs", c -> {
                claimed.clear(); // a retried statement starts over
                deploymentIds.clear();
                return claimAtOnce(c, one.plan().levels().get(0), engineId, now, limit, State.of(StateType.PENDING, now),
                        claimed, deploymentIds, one.version());
            });
            if (seen == one.version()) {
                for (int k = 0; k < claimed.size(); k++) known.claimed(claimed.get(k).run().id(), deploymentIds.get(k));
                return claimed;
            }
            this.kept = null; // the settings moved on: nothing was claimed; the plan is read again below
            deploymentIds.clear();
        }
        List<DeploymentStore.ClaimedRun> out = dialect.inPooledTransaction(pool, "claim due runs", c -> {
            deploymentIds.clear(); // a retried transaction starts over
            State pending = State.of(StateType.PENDING, now);
            KeptPlan kept = this.kept;
            if (kept != null && kept.served().equals(served)) {
                // The plan of the last claim, if nothing that shapes claims changed since: one statement per level.
                List<DeploymentStore.ClaimedRun> claimed = new ArrayList<>();
                for (JdbcWorkQueues.Level level : kept.plan().levels()) {
                    if (claimed.size() >= limit) break;
                    long seen = claimAtOnce(c, level, engineId, now, limit - claimed.size(), pending, claimed, deploymentIds,
                            kept.version());
                    if (seen != kept.version()) {
                        this.kept = null; // read the plan again, now if this claim has nothing yet, else next time
                        if (claimed.isEmpty()) break;
                        return claimed;
                    }
                }
                if (this.kept != null) return claimed;
            }
            long version = dialect == Dialect.POSTGRESQL ? settingsVersion(c) : -1; // before the plan: a change after it shows
            // Paused queues give out nothing, limited ones only what they have room for, by priority level.
            JdbcWorkQueues.Plan plan = JdbcWorkQueues.plan(c, dialect, queues);
            // Deployments at their overlap limit give out nothing, limited ones only what they have room for.
            JdbcOverlap.Room room = JdbcOverlap.room(c, dialect);
            if (dialect == Dialect.POSTGRESQL && plan.room().isEmpty() && room.deploymentOf().isEmpty()) {
                // Nothing limited to count run by run: each level is claimed by one statement, and the plan is kept.
                // (not a plan with no level: claiming with it runs no statement, so it could not see a queue resumed)
                this.kept = plan.levels().isEmpty() || version < 0 ? null : new KeptPlan(served, version, plan);
                List<DeploymentStore.ClaimedRun> claimed = new ArrayList<>();
                for (JdbcWorkQueues.Level level : plan.levels()) {
                    if (claimed.size() >= limit) break;
                    claimAtOnce(c, level, engineId, now, limit - claimed.size(), pending, claimed, deploymentIds, null);
                }
                return claimed;
            }
            this.kept = null;
            List<FlowRunRecord> due = new ArrayList<>();
            List<Long> epochs = new ArrayList<>();
            List<String> dueDeployments = new ArrayList<>();
            for (JdbcWorkQueues.Level level : plan.levels()) {
                if (due.size() >= limit) break;
                selectDue(c, level, room, now, limit - due.size(), plan, due, epochs, dueDeployments);
            }
            List<DeploymentStore.ClaimedRun> claimed = new ArrayList<>();
            if (due.isEmpty()) return claimed;
            // One batch for the claims and one for their Pending history rows: two round trips, not two per run.
            int[] counts;
            try (PreparedStatement up = c.prepareStatement("UPDATE flow_runs SET engine_id = ?, claim_epoch = ?, "
                    + "state_type = ?, state_name = ?, state_ts = ?, state_message = NULL, state_scheduled = NULL, "
                    + "state_seq = ? WHERE id = ? AND engine_id IS NULL AND claim_epoch = ? AND state_type = 'SCHEDULED'")) {
                for (int k = 0; k < due.size(); k++) {
                    long epoch = epochs.get(k) + 1;
                    setText(up, 1, engineId);
                    up.setLong(2, epoch);
                    up.setString(3, pending.type().name());
                    up.setString(4, pending.name());
                    up.setLong(5, Columns.nanos(now));
                    up.setLong(6, StoreOp.seq(epoch, 0));
                    up.setString(7, due.get(k).id().toString());
                    up.setLong(8, epochs.get(k));
                    up.addBatch();
                }
                counts = up.executeBatch();
            }
            List<OpApplier.History> history = new ArrayList<>();
            for (int k = 0; k < due.size(); k++) {
                if (counts[k] != 1) continue; // taken meanwhile (the UPDATE repeats the claim conditions)
                FlowRunRecord r = due.get(k);
                Claim claim = new Claim(r.id(), epochs.get(k) + 1);
                history.add(new OpApplier.History(r.id(), StoreOp.seq(claim.epoch(), 0), pending));
                claimed.add(new DeploymentStore.ClaimedRun(new FlowRunRecord(r.id(), r.name(), r.flowName(),
                        r.flowClass(), r.flowMethod(), r.parametersJson(), r.parentFlowRunId(), r.resumeOf(),
                        engineId, pending, r.createdAt()), claim));
                deploymentIds.add(dueDeployments.get(k));
            }
            if (!history.isEmpty()) OpApplier.insertHistory(c, history);
            return claimed;
        });
        for (int k = 0; k < out.size(); k++) known.claimed(out.get(k).run().id(), deploymentIds.get(k));
        return out;
    }

    /*
     * PostgreSQL, one round trip: the due rows of one level are locked (SKIP LOCKED), moved to Pending under
     * their next claim epoch, and given their Pending history row (seq = epoch << 32, as StoreOp.seq), in one
     * statement. RETURNING gives no order, so the claimed runs are sorted as they were due.
     */
    /**
     * @param expectedVersion the claim_settings version the level was planned at: nothing is claimed when it moved
     *                        on (null: not checked)
     * @return the version the statement saw (-1 when not checked)
     */
    private static long claimAtOnce(Connection c, JdbcWorkQueues.Level level, String engineId, Instant now, int limit,
                                    State pending, List<DeploymentStore.ClaimedRun> claimed, List<String> deploymentIds,
                                    Long expectedVersion) throws SQLException {
        boolean guarded = expectedVersion != null;
        String sql = (guarded ? "WITH settings AS (SELECT version FROM claim_settings), " : "WITH ")
                + "due AS (SELECT id, claim_epoch, state_scheduled, deployment_id FROM flow_runs "
                + "WHERE engine_id IS NULL AND state_type = 'SCHEDULED' AND state_scheduled <= ?" + level.condition()
                + (guarded ? " AND (SELECT version FROM settings) = ?" : "")
                + " ORDER BY state_scheduled, created_at, id LIMIT ? FOR UPDATE SKIP LOCKED), "
                + "won AS (UPDATE flow_runs f SET engine_id = ?, claim_epoch = due.claim_epoch + 1, state_type = ?, "
                + "state_name = ?, state_ts = ?, state_message = NULL, state_scheduled = NULL, "
                + "state_seq = (due.claim_epoch + 1) * 4294967296 FROM due WHERE f.id = due.id "
                + "RETURNING f.id, f.name, f.flow_name, f.flow_class, f.flow_method, f.parameters_json, "
                + "f.parent_flow_run_id, f.resume_of, f.created_at, f.claim_epoch, due.state_scheduled AS due_at, "
                + "due.deployment_id), "
                + "history AS (INSERT INTO state_history (run_id, seq, type, name, ts, message, scheduled_time) "
                + "SELECT id, claim_epoch * 4294967296, ?, ?, ?, NULL, NULL FROM won ON CONFLICT DO NOTHING) "
                + (guarded ? "SELECT won.*, settings.version AS settings_version FROM settings LEFT JOIN won ON true "
                        : "SELECT * FROM won ") + "ORDER BY due_at, created_at, id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, Columns.nanos(now));
            for (String q : level.args()) ps.setString(i++, q);
            if (guarded) ps.setLong(i++, expectedVersion);
            ps.setInt(i++, limit);
            setText(ps, i++, engineId);
            ps.setString(i++, pending.type().name());
            ps.setString(i++, pending.name());
            ps.setLong(i++, Columns.nanos(now));
            ps.setString(i++, pending.type().name());
            ps.setString(i++, pending.name());
            ps.setLong(i, Columns.nanos(now));
            long seen = -1;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (guarded) seen = rs.getLong("settings_version");
                    if (rs.getString("id") == null) continue; // the settings row alone: nothing claimed
                    java.util.UUID id = java.util.UUID.fromString(rs.getString("id"));
                    claimed.add(new DeploymentStore.ClaimedRun(new FlowRunRecord(id, rs.getString("name"),
                            rs.getString("flow_name"), rs.getString("flow_class"), rs.getString("flow_method"),
                            rs.getString("parameters_json"), Columns.getUuid(rs, "parent_flow_run_id"),
                            Columns.getUuid(rs, "resume_of"), engineId, pending,
                            Columns.instant(rs.getLong("created_at"))), new Claim(id, rs.getLong("claim_epoch"))));
                    deploymentIds.add(rs.getString("deployment_id"));
                }
            }
            return seen;
        }
    }

    /** The version of what shapes claims (claim_settings, PostgreSQL). */
    private static long settingsVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM claim_settings");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** Adds to {@code due} the due runs of one priority level that their queues have room for, oldest due first. */
    private void selectDue(Connection c, JdbcWorkQueues.Level level, JdbcOverlap.Room room, Instant now, int limit,
                           JdbcWorkQueues.Plan plan, List<FlowRunRecord> due, List<Long> epochs,
                           List<String> deploymentIds) throws SQLException {
        String sql = "SELECT " + StoreReader.FLOW_COLS + ", claim_epoch, work_queue, deployment_id FROM flow_runs "
                + "WHERE engine_id IS NULL AND state_type = 'SCHEDULED' AND state_scheduled <= ?" + level.condition()
                + room.condition() + " ORDER BY state_scheduled, created_at, id LIMIT ?"
                + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, Columns.nanos(now));
            for (String q : level.args()) ps.setString(i++, q);
            for (String d : room.args()) ps.setString(i++, d);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String deployment = rs.getString("deployment_id");
                    if (!room.allows(deployment) || !plan.take(rs.getString("work_queue"))) continue;
                    room.take(deployment);
                    due.add(StoreReader.flowRun(rs));
                    epochs.add(rs.getLong("claim_epoch"));
                    deploymentIds.add(deployment);
                }
            }
        }
    }
}
