package io.flowcore.engine.internal.store;

import io.flowcore.api.run.RunCounts;
import io.flowcore.api.state.StateType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/*
 * The counts behind /metrics, in two grouped reads: flow runs by state (the state index), and per work queue the
 * due runs no engine holds with the oldest one's scheduled time (the due index, flow_runs_due). A scrape every
 * few seconds costs two index scans, not a read per run.
 */
final class JdbcRunCounts {
    private JdbcRunCounts() {
    }

    static RunCounts read(DataSource pool, Instant now) {
        try (Connection c = pool.getConnection()) {
            List<RunCounts.StateCount> states = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT state_type, state_name, COUNT(*) FROM flow_runs "
                    + "GROUP BY state_type, state_name ORDER BY state_type, state_name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) states.add(new RunCounts.StateCount(StateType.valueOf(rs.getString(1)), rs.getString(2), rs.getLong(3)));
            }
            List<RunCounts.QueueBacklog> queues = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT work_queue, COUNT(*), MIN(state_scheduled) FROM flow_runs "
                    + "WHERE state_type = 'SCHEDULED' AND work_queue IS NOT NULL AND engine_id IS NULL AND state_scheduled <= ? "
                    + "GROUP BY work_queue ORDER BY work_queue")) {
                ps.setLong(1, Columns.nanos(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Duration wait = Duration.between(Columns.instant(rs.getLong(3)), now);
                        queues.add(new RunCounts.QueueBacklog(rs.getString(1), rs.getLong(2), wait.isNegative() ? Duration.ZERO : wait));
                    }
                }
            }
            return new RunCounts(now, states, queues);
        } catch (SQLException e) {
            throw new StoreException("cannot count the store's runs: " + e.getMessage(), e);
        }
    }
}
