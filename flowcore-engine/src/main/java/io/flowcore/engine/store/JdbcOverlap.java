package io.flowcore.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/*
 * Deployments' overlap limits (io.flowcore.api.deployment.Overlap) at claim time, inside the claim's
 * transaction: how many more runs each limited deployment may start now. On PostgreSQL the newest version
 * rows of the limited deployments are locked (FOR UPDATE, in name order, after the queue rows
 * JdbcWorkQueues.plan locks), so two claimers of one limited deployment take turns and the second counts the
 * first's claims; on SQLite the claim's write transaction is the database's only one. Deployments without a
 * limit take no lock, so their claims stay parallel. The limit counts a deployment's active runs (Pending,
 * Running, Cancelling) of every version; the newest version's limit applies.
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
}
