package io.flowcore.engine.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import io.flowcore.api.spi.DeploymentStore.OverlapActions;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;

/*
 * Deployments' overlap limits (io.flowcore.api.deployment.Overlap) at claim time, inside the claim's
 * transaction: how many more runs each limited deployment may start now. On PostgreSQL the newest version
 * rows of the limited deployments are locked (FOR UPDATE, in name order, after the queue rows
 * JdbcWorkQueues.plan locks), so two claimers of one limited deployment take turns and the second counts the
 * first's claims; on SQLite the claim's write transaction is the database's only one. Deployments without a
 * limit take no lock, so their claims stay parallel. The limit counts a deployment's active runs (Pending,
 * Running, Cancelling) of every version; the newest version's limit applies.
 *
 * The policies skip and cancel-previous act in apply(), a pass beside the claim (the claim treats them like
 * queue: it never starts a run past the limit). apply() takes the same deployment locks through room() first,
 * so a claim and a pass on one deployment take turns: a run the pass skips was not claimed (the UPDATE
 * repeats the waiting conditions and moves the claim epoch on, so a claim that read it before loses), and a
 * run a pass asked to cancel is Cancelling when the next pass counts, so it is never asked twice.
 */
final class JdbcOverlap {
    /** No limited deployment: nothing excluded, nothing counted. */
    static final Room NONE = new Room(Map.of(), new HashMap<>());

    /**
     * @param deploymentOf the full name of each version id of a limited deployment
     * @param left         how many more runs each limited deployment may start
     */
    record Room(Map<String, String> deploymentOf, Map<String, Integer> left) {
        /** SQL after a WHERE that leaves out the runs of deployments with no room (its arguments in {@link #args}). */
        String condition() {
            List<String> full = args();
            return full.isEmpty() ? "" : " AND (deployment_id IS NULL OR deployment_id NOT IN "
                    + JdbcWorkQueues.placeholders(full.size()) + ")";
        }

        /** The version ids of the deployments with no room. */
        List<String> args() {
            List<String> out = new ArrayList<>();
            deploymentOf.forEach((id, name) -> {
                if (left.getOrDefault(name, 0) <= 0) out.add(id);
            });
            return out;
        }

        /** Whether a run of version {@code deploymentId} may be claimed now (takes nothing). */
        boolean allows(String deploymentId) {
            String name = deploymentId == null ? null : deploymentOf.get(deploymentId);
            return name == null || left.getOrDefault(name, 0) > 0;
        }

        /** Takes the room of one run of version {@code deploymentId}. */
        void take(String deploymentId) {
            String name = deploymentId == null ? null : deploymentOf.get(deploymentId);
            if (name != null) left.merge(name, -1, Integer::sum);
        }
    }

    private JdbcOverlap() {
    }

    static Room room(Connection c, Dialect dialect) throws SQLException {
        Map<String, Integer> max = new TreeMap<>();
        List<String> newest = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT d.id, d.flow_name, d.name, d.overlap_max_active "
                + "FROM deployments d JOIN (SELECT flow_name AS f, name AS n, MAX(version) AS v FROM deployments "
                + "GROUP BY flow_name, name) x ON x.f = d.flow_name AND x.n = d.name AND x.v = d.version "
                + "WHERE d.overlap_max_active IS NOT NULL ORDER BY d.flow_name, d.name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                newest.add(rs.getString(1));
                max.put(rs.getString(2) + "/" + rs.getString(3), rs.getInt(4));
            }
        }
        if (max.isEmpty()) return NONE;
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement lock = c.prepareStatement("SELECT id FROM deployments WHERE id IN "
                    + JdbcWorkQueues.placeholders(newest.size()) + " ORDER BY flow_name, name FOR UPDATE")) {
                for (int i = 0; i < newest.size(); i++) lock.setString(i + 1, newest.get(i));
                lock.executeQuery().close();
            }
        }
        Map<String, String> deploymentOf = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, flow_name, name FROM deployments");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(2) + "/" + rs.getString(3);
                if (max.containsKey(name)) deploymentOf.put(rs.getString(1), name);
            }
        }
        Map<String, Integer> left = new HashMap<>(max);
        try (PreparedStatement ps = c.prepareStatement("SELECT deployment_id, COUNT(*) FROM flow_runs WHERE state_type IN "
                + JdbcWorkQueues.ACTIVE + " AND deployment_id IN " + JdbcWorkQueues.placeholders(deploymentOf.size())
                + " GROUP BY deployment_id")) {
            int i = 1;
            for (String id : deploymentOf.keySet()) ps.setString(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) left.merge(deploymentOf.get(rs.getString(1)), -rs.getInt(2), Integer::sum);
            }
        }
        return new Room(deploymentOf, left);
    }

    /** The newest versions with an overlap limit, or only those whose policy acts in {@link #apply}. */
    private static final String NEWEST_LIMITED = "SELECT d.id, d.flow_name, d.name, d.overlap_max_active, "
            + "d.overlap_policy FROM deployments d JOIN (SELECT flow_name AS f, name AS n, MAX(version) AS v FROM "
            + "deployments GROUP BY flow_name, name) x ON x.f = d.flow_name AND x.n = d.name AND x.v = d.version "
            + "WHERE d.overlap_max_active IS NOT NULL";

    /** A run of a limited deployment, as apply() reads it. */
    private record Row(UUID id, long epoch, String type, String deployment) {
    }

    /** DeploymentStore.applyOverlap, inside the caller's transaction. */
    static OverlapActions apply(Connection c, Dialect dialect, Instant now) throws SQLException {
        Map<String, io.flowcore.api.deployment.Overlap> acting = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(NEWEST_LIMITED
                + " AND d.overlap_policy IN ('skip', 'cancel-previous') ORDER BY d.flow_name, d.name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                acting.put(rs.getString(2) + "/" + rs.getString(3), new io.flowcore.api.deployment.Overlap(
                        rs.getInt(4), io.flowcore.api.deployment.Overlap.Policy.parse(rs.getString(5))));
            }
        }
        if (acting.isEmpty()) return OverlapActions.NONE; // the common case: no lock, one read
        Room room = room(c, dialect); // the claim's locks, in the claim's order
        List<String> ids = new ArrayList<>();
        room.deploymentOf().forEach((id, name) -> {
            if (acting.containsKey(name)) ids.add(id);
        });
        if (ids.isEmpty()) return OverlapActions.NONE;
        Map<String, List<Row>> due = rows(c, "SELECT id, claim_epoch, state_type, deployment_id FROM flow_runs WHERE "
                + "engine_id IS NULL AND state_type = 'SCHEDULED' AND state_scheduled <= ? AND deployment_id IN "
                + JdbcWorkQueues.placeholders(ids.size()) + " ORDER BY state_scheduled, created_at, id", now, ids, room);
        Map<String, List<Row>> active = rows(c, "SELECT id, claim_epoch, state_type, deployment_id FROM flow_runs "
                + "WHERE state_type IN " + JdbcWorkQueues.ACTIVE + " AND deployment_id IN "
                + JdbcWorkQueues.placeholders(ids.size()) + " ORDER BY created_at, id", null, ids, room);
        List<Row> skip = new ArrayList<>();
        List<Row> cancel = new ArrayList<>();
        Map<UUID, State> to = new HashMap<>();
        for (var e : acting.entrySet()) {
            String name = e.getKey();
            io.flowcore.api.deployment.Overlap o = e.getValue();
            List<Row> waiting = due.getOrDefault(name, List.of());
            List<Row> live = active.getOrDefault(name, List.of());
            int left = Math.max(0, room.left().getOrDefault(name, o.maxActive()));
            if (waiting.size() <= left) continue;
            if (o.policy() == io.flowcore.api.deployment.Overlap.Policy.SKIP) {
                State skipped = OverlapStates.skipped(now, name, live.size(), left, o);
                for (Row r : waiting.subList(left, waiting.size())) {
                    skip.add(r);
                    to.put(r.id(), skipped);
                }
            } else {
                long cancelling = live.stream().filter(r -> r.type().equals("CANCELLING")).count();
                long needed = Math.min(waiting.size(), o.maxActive()) - left - cancelling;
                State request = OverlapStates.cancelRequested(now, name, live.size(), o);
                for (Row r : live) {
                    if (needed <= 0) break;
                    if (!r.type().equals("RUNNING")) continue; // Pending cannot be Cancelling; a later pass asks
                    cancel.add(r);
                    to.put(r.id(), request);
                    needed--;
                }
            }
        }
        List<UUID> skipped = move(c, skip, to, "engine_id IS NULL AND state_type = 'SCHEDULED'");
        List<UUID> cancelled = move(c, cancel, to, "state_type = 'RUNNING'");
        return new OverlapActions(skipped, cancelled);
    }

    /** The rows {@code sql} selects (its arguments: {@code at} when not null, then {@code ids}), by deployment name. */
    private static Map<String, List<Row>> rows(Connection c, String sql, Instant at, List<String> ids, Room room)
            throws SQLException {
        Map<String, List<Row>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (at != null) ps.setLong(i++, Columns.nanos(at));
            for (String id : ids) ps.setString(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String deployment = rs.getString(4);
                    out.computeIfAbsent(room.deploymentOf().get(deployment), k -> new ArrayList<>()).add(new Row(
                            UUID.fromString(rs.getString(1)), rs.getLong(2), rs.getString(3), deployment));
                }
            }
        }
        return out;
    }

    /*
     * Moves each run to its state under a new claim epoch, as a takeover does (StateStore.takeOver): the
     * UPDATE repeats what was read (epoch and `still`), so a run that changed meanwhile is left alone. Its
     * history row and notification event go in with it.
     */
    private static List<UUID> move(Connection c, List<Row> runs, Map<UUID, State> to, String still) throws SQLException {
        if (runs.isEmpty()) return List.of();
        List<UUID> moved = new ArrayList<>();
        List<OpApplier.History> history = new ArrayList<>();
        List<JdbcNotifications.Entered> entered = new ArrayList<>();
        try (PreparedStatement up = c.prepareStatement("UPDATE flow_runs SET state_type = ?, state_name = ?, "
                + "state_ts = ?, state_message = ?, state_scheduled = NULL, state_seq = ?, claim_epoch = ? "
                + "WHERE id = ? AND claim_epoch = ? AND " + still)) {
            for (Row r : runs) {
                State s = to.get(r.id());
                long seq = StoreOp.seq(r.epoch() + 1, 0);
                up.setString(1, s.type().name());
                Columns.setText(up, 2, s.name());
                up.setLong(3, Columns.nanos(s.timestamp()));
                Columns.setText(up, 4, s.message());
                up.setLong(5, seq);
                up.setLong(6, r.epoch() + 1);
                up.setString(7, r.id().toString());
                up.setLong(8, r.epoch());
                if (up.executeUpdate() != 1) continue;
                moved.add(r.id());
                history.add(new OpApplier.History(r.id(), seq, s));
                entered.add(new JdbcNotifications.Entered(r.id(), s));
            }
        }
        if (!history.isEmpty()) OpApplier.insertHistory(c, history);
        JdbcNotifications.enqueue(c, entered);
        return moved;
    }
}
