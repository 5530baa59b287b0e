package io.flowcore.engine.internal.store;

import io.flowcore.api.spi.DeploymentStore.FutureScheduleRuns;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/* The future runs schedules created, of every deployment, counted in the database in one read: a scheduler
 * pass over many deployments then needs no statement per deployment, and gets one row per schedule instead of
 * one per run (60,000 for 1,000 minutely crons an hour ahead). */
final class JdbcScheduleRunKeys {
    private final Dialect dialect;
    private final DataSource pool;

    JdbcScheduleRunKeys(Dialect dialect, DataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
    }

    List<FutureScheduleRuns> read(Instant after) {
        return dialect.inPooledTransaction(pool, "count the future runs of schedules", c -> {
            List<FutureScheduleRuns> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.flow_name, s.deployment_name, s.schedule_key, "
                    + "f.deployment_id, COUNT(*), SUM(CASE WHEN f.engine_id IS NULL AND f.state_type = 'SCHEDULED' "
                    + "THEN 1 ELSE 0 END), MAX(s.scheduled_at), MAX(f.id) FROM schedule_runs s "
                    + "LEFT JOIN flow_runs f ON f.id = s.flow_run_id WHERE s.scheduled_at > ? "
                    + "GROUP BY s.flow_name, s.deployment_name, s.schedule_key, f.deployment_id")) {
                ps.setLong(1, Columns.nanos(after));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean gone = rs.getString(8) == null; // no run joined: the group of keys whose runs are gone
                        out.add(new FutureScheduleRuns(rs.getString(1), rs.getString(2), rs.getString(3),
                                gone ? null : rs.getString(4), rs.getInt(5), rs.getInt(6), Columns.instant(rs.getLong(7))));
                    }
                }
            }
            return out;
        });
    }

    java.util.Map<String, Instant> last(String flowName, String name, Instant before) {
        return dialect.inPooledTransaction(pool, "read the last runs of schedules", c -> {
            java.util.Map<String, Instant> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT schedule_key, MAX(scheduled_at) FROM schedule_runs "
                    + "WHERE flow_name = ? AND deployment_name = ? AND scheduled_at < ? GROUP BY schedule_key")) {
                ps.setString(1, flowName);
                ps.setString(2, name);
                ps.setLong(3, Columns.nanos(before));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), Columns.instant(rs.getLong(2)));
                }
            }
            return out;
        });
    }
}
