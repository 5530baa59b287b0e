package io.flowcore.bench.orchestration;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * One worker process of the anchor: a db-scheduler {@link Scheduler} with lock-and-fetch polling on the
 * benchmark's PostgreSQL schema. Each execution of the no-op task writes one durable result row (its own
 * auto-committed INSERT), the anchor's counterpart of a flow run's recorded states.
 *
 * <p>Arguments: {@code <store spec> <threads> <poll ms> <worker name>}.
 */
public final class DbSchedulerWorkerMain {
    static final String TASK = "orch-noop";

    private DbSchedulerWorkerMain() {
    }

    /** The task; {@code results} is where executions write their row (null for a client that only schedules). */
    static OneTimeTask<Void> task(HikariDataSource results, String worker) {
        return Tasks.oneTime(TASK).execute((instance, context) -> {
            Instant started = Instant.now();
            try (Connection c = results.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "INSERT INTO bench_results (task_instance, worker, started_at, finished_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, instance.getId());
                ps.setString(2, worker);
                ps.setTimestamp(3, Timestamp.from(started));
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot record the result of " + instance.getId() + ": " + e.getMessage(), e);
            }
        });
    }

    static HikariDataSource dataSource(BenchStore store, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(store.url());
        cfg.setUsername(store.user());
        cfg.setPassword(BenchStore.password());
        cfg.setMaximumPoolSize(size);
        cfg.setPoolName("orch-anchor");
        return new HikariDataSource(cfg);
    }

    public static void main(String[] args) throws Exception {
        BenchStore store = BenchStore.parse(args[0]);
        int threads = Integer.parseInt(args[1]);
        Duration poll = Duration.ofMillis(Long.parseLong(args[2]));
        String name = args[3];
        // threads for the executions, one for fetching and heartbeats, a few spare: none waits for a connection
        try (HikariDataSource ds = dataSource(store, threads + 4)) {
            Scheduler scheduler = Scheduler.create(ds, task(ds, name))
                    .threads(threads)
                    .pollUsingLockAndFetch(0.5, 1.0)
                    .pollingInterval(poll)
                    .schedulerName(new SchedulerName.Fixed(name))
                    .build();
            ParentChannel.ready();
            ParentChannel.await(ChildJvms.GO);
            scheduler.start();
            ParentChannel.await(ChildJvms.STOP);
            scheduler.stop();
        }
    }
}
