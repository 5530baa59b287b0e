package io.flowcore.bench.orchestration;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/*
 * The anchor beside flowcore's figures: db-scheduler (lock-and-fetch polling, SELECT ... FOR UPDATE SKIP
 * LOCKED on PostgreSQL) executing N no-op one-time tasks, all due now, with the same number of worker
 * processes, 8 threads each, on the same PostgreSQL (a fresh schema). Throughput is executions /
 * (last finish - first start), from the result rows; duplicates are task instances with more than one
 * result row, lost those without one at the end.
 */
final class DbSchedulerAnchor {
    /** The anchor's figures for one worker count. */
    record Measured(int workers, int executions, double runsPerS, int duplicates, int lost) {
    }

    private static final String[] DDL = {
        // db-scheduler's table for PostgreSQL, as its documentation gives it
        "CREATE TABLE scheduled_tasks (task_name TEXT NOT NULL, task_instance TEXT NOT NULL, task_data BYTEA, "
                + "execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL, picked_by TEXT, "
                + "last_success TIMESTAMP WITH TIME ZONE, last_failure TIMESTAMP WITH TIME ZONE, consecutive_failures INT, "
                + "last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, priority SMALLINT, "
                + "PRIMARY KEY (task_name, task_instance))",
        "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
        "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
        "CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)",
        // no key: a second execution of an instance must show, not fail
        "CREATE TABLE bench_results (task_instance TEXT NOT NULL, worker TEXT NOT NULL, "
                + "started_at TIMESTAMP WITH TIME ZONE NOT NULL, finished_at TIMESTAMP WITH TIME ZONE NOT NULL)",
    };

    private DbSchedulerAnchor() {
    }

    static Measured measure(String baseUrl, String user, int workers, int runs, int threads, long pollMs)
            throws Exception {
        BenchStore store = BenchStore.freshPostgresSchema(baseUrl, user, "flowcore_orch_anchor");
        try {
            try (Connection c = store.connect(); Statement s = c.createStatement()) {
                for (String ddl : DDL) s.execute(ddl);
            }
            enqueue(store, runs);
            try (ChildJvms children = ChildJvms.start(workers, DbSchedulerWorkerMain.class, i -> List.of(store.spec(),
                    String.valueOf(threads), String.valueOf(pollMs), "anchor-" + i), BenchStore.childEnvironment())) {
                children.awaitReady(Duration.ofMinutes(2));
                children.go();
                awaitResults(store, runs, Duration.ofSeconds(60).plusMillis(50L * runs));
                children.stop(Duration.ofMinutes(1));
            }
            return results(store, workers, runs);
        } finally {
            store.drop();
        }
    }

    private static void enqueue(BenchStore store, int runs) {
        try (HikariDataSource ds = DbSchedulerWorkerMain.dataSource(store, 2)) {
            var task = DbSchedulerWorkerMain.task(null, "client");
            SchedulerClient client = SchedulerClient.Builder.create(ds, task).build();
            List<TaskInstance<?>> instances = new ArrayList<>(runs);
            for (int n = 0; n < runs; n++) instances.add(task.instance(String.valueOf(n)));
            client.scheduleBatch(instances, Instant.now());
        }
    }

    private static void awaitResults(BenchStore store, int runs, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(store, "SELECT count(DISTINCT task_instance) FROM bench_results") >= runs) return;
            Thread.sleep(200);
        }
        System.err.println("orchestration anchor: not every execution had its result row after " + timeout);
    }

    private static long count(BenchStore store, String sql) throws SQLException {
        try (Connection c = store.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Measured results(BenchStore store, int workers, int runs) throws SQLException {
        try (Connection c = store.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT task_instance), min(started_at), max(finished_at), "
                     + "(SELECT count(*) FROM (SELECT task_instance FROM bench_results GROUP BY task_instance "
                     + "HAVING count(*) > 1) d) FROM bench_results")) {
            rs.next();
            int distinct = rs.getInt(1);
            double seconds = distinct == 0 ? 0
                    : Duration.between(rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()).toNanos() / 1e9;
            return new Measured(workers, distinct, seconds > 0 ? distinct / seconds : 0, rs.getInt(4), runs - distinct);
        }
    }
}
