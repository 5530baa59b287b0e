package io.flowcore.engine.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/*
 * The claim epochs that fence a writer batch (OpApplier): read once per batch, on PostgreSQL under FOR SHARE, so
 * that no claim or takeover moves one before the batch commits.
 *
 * The loops (over the batch's ops, over the result rows) live in methods of their own, apart from the one that
 * executes the statement. A method that both executes a statement and loops reaches the JIT's C2 threshold
 * within a few thousand batches and is compiled twice (on-stack, then whole) with the driver's execute path
 * inlined: in the orchestration benchmark that cost a worker 1.2 s of compiler CPU out of a 7 s run. Run
 * once per batch without a loop, it stays with the quick compiler.
 */
final class ClaimEpochs {
    /** SQLite's limit on the placeholders of one statement is far above this. */
    private static final int IN_CHUNK = 500;

    /**
     * @param epochs          by flow run: its current claim epoch (0 for a run the batch inserts)
     * @param settingsVersion PostgreSQL: the claim settings' version read with them (-1: none read)
     */
    record Read(Map<UUID, Long> epochs, long settingsVersion) {
    }

    private ClaimEpochs() {
    }

    /** The current claim epochs of the flow runs {@code piece} writes under a claim (0 for runs it inserts). */
    static Read read(Dialect dialect, Connection c, List<StoreOp> piece) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        Set<UUID> inserted = new HashSet<>();
        fenced(piece, ids, inserted);
        Map<UUID, Long> epochs = new HashMap<>();
        if (ids.isEmpty()) return new Read(epochs, -1);
        long version = dialect == Dialect.POSTGRESQL ? readPostgres(c, byText(ids), epochs) : readInChunks(c, ids, epochs);
        zeroForInserted(inserted, epochs);
        return new Read(epochs, version);
    }

    private static void fenced(List<StoreOp> piece, Set<UUID> ids, Set<UUID> inserted) {
        for (StoreOp op : piece) {
            if (op instanceof StoreOp.InsertFlowRun i) inserted.add(i.run().id());
            else if (op.epoch() != StoreOp.UNFENCED && op.fencedRun() != null) ids.add(op.fencedRun());
        }
    }

    private static Map<String, UUID> byText(Set<UUID> ids) {
        Map<String, UUID> byText = new HashMap<>();
        for (UUID id : ids) byText.put(id.toString(), id);
        return byText;
    }

    private static void zeroForInserted(Set<UUID> inserted, Map<UUID, Long> epochs) {
        for (UUID id : inserted) epochs.putIfAbsent(id, 0L);
    }

    /*
     * One statement text whatever the batch's size (an IN list of n placeholders is a new statement to parse and
     * plan for each n), the ids as one text (a UUID has no comma; a JDBC array costs more to bind), with the
     * settings version, so that the notification rules need no read of their own while it stays the same
     * (JdbcNotifications.KeptRules).
     */
    private static long readPostgres(Connection c, Map<String, UUID> byText, Map<UUID, Long> epochs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, claim_epoch, (SELECT version FROM claim_settings)"
                + " FROM flow_runs WHERE id = ANY(string_to_array(?, ',')) FOR SHARE OF flow_runs")) {
            ps.setString(1, String.join(",", byText.keySet()));
            try (ResultSet rs = ps.executeQuery()) {
                return rows(rs, byText, epochs);
            }
        }
    }

    /** Reads (id, epoch, settings version) rows; returns the version (-1 when there is no row). */
    private static long rows(ResultSet rs, Map<String, UUID> byText, Map<UUID, Long> epochs) throws SQLException {
        long version = -1;
        while (rs.next()) {
            epochs.put(byText.get(rs.getString(1)), rs.getLong(2));
            version = rs.getLong(3);
        }
        return version;
    }

    private static long readInChunks(Connection c, Set<UUID> ids, Map<UUID, Long> epochs) throws SQLException {
        List<UUID> all = new ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += IN_CHUNK) {
            List<UUID> chunk = all.subList(i, Math.min(all.size(), i + IN_CHUNK));
            String sql = "SELECT id, claim_epoch FROM flow_runs WHERE id IN "
                    + chunk.stream().map(u -> "?").collect(Collectors.joining(", ", "(", ")"));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int j = 0; j < chunk.size(); j++) ps.setString(j + 1, chunk.get(j).toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) epochs.put(UUID.fromString(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return -1;
    }
}
