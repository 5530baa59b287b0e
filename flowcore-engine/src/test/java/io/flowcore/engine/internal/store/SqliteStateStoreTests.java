package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.spi.Claim;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.StateType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStateStoreTests extends StateStoreContractTests {
    @TempDir
    Path dir;

    Path db() {
        return dir.resolve("home").resolve("flowcore.db");
    }

    Path journalDir() {
        return dir.resolve("home").resolve("flowcore.db.journal");
    }

    @Override
    protected StateStore open() {
        return StoreFactory.sqlite(db());
    }

    @Override
    protected StateStore reopen(StateStore old) {
        old.close();
        return StoreFactory.sqlite(db());
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<Path> journals() throws IOException {
        try (Stream<Path> files = Files.list(journalDir())) {
            return files.filter(p -> p.getFileName().toString().startsWith("journal-")).toList();
        }
    }

    @Test
    void replaysTheJournalOfACrashedProcessOnOpen() throws Exception {
        store.close();
        JdbcStateStore crashing = StoreFactory.openSqlite(db(), false);
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        TaskRunRecord task = taskRun(flow.id(), 0, List.of());
        CacheEntry entry = new CacheEntry("k", "results/k", task.id(), T0);
        crashing.insertFlowRun(flow);
        crashing.setFlowRunState(Claim.initial(flow.id()), state(StateType.RUNNING, T0.plusSeconds(1)));
        crashing.insertTaskRun(Claim.initial(task.flowRunId()), task);
        crashing.setTaskRunState(Claim.initial(task.flowRunId()), task.id(), state(StateType.COMPLETED, T0.plusSeconds(2)), "results/t");
        crashing.appendLog(log(flow.id(), task.id(), 1));
        crashing.putCache(entry);
        crashing.heartbeat(new EngineLease("e", "h", 1, T0, T0));
        crashing.crashForTest();
        assertEquals(0, count("SELECT COUNT(*) FROM flow_runs"), "nothing was applied before the crash");
        assertEquals(1, journals().size());

        store = StoreFactory.sqlite(db());

        assertEquals(StateType.RUNNING, store.flowRun(flow.id()).orElseThrow().state().type());
        assertEquals(task.withState(state(StateType.COMPLETED, T0.plusSeconds(2)), "results/t"),
                store.taskRun(task.id()).orElseThrow());
        assertEquals(List.of(0L, 1L), store.stateHistory(task.id()).stream().map(StateChange::seq).toList());
        assertEquals(List.of(log(flow.id(), task.id(), 1)), store.logs(flow.id()));
        assertEquals(Optional.of(entry), store.findCache("k"));
        assertEquals(1, count("SELECT COUNT(*) FROM engine_leases"));
        assertEquals(1, journals().size(), "the replayed journal is gone; only the open store's remains");
    }

    @Test
    void aNotificationEventIsCreatedWithItsStateChangeAlsoWhenTheJournalIsReplayedAfterACrash() throws Exception {
        store.close();
        JdbcStateStore crashing = StoreFactory.openSqlite(db(), false);
        crashing.saveRule(io.flowcore.api.notification.NotificationRule.of("failures", "ops", "Failed"));
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        crashing.insertFlowRun(flow);
        crashing.setFlowRunState(Claim.initial(flow.id()), state(StateType.FAILED, T0.plusSeconds(1)));
        crashing.crashForTest();
        assertEquals(0, count("SELECT COUNT(*) FROM notification_events"), "nothing was applied before the crash");

        JdbcStateStore reopened = StoreFactory.openSqlite(db(), true);
        store = reopened;

        var events = reopened.events(10);
        assertEquals(1, events.size());
        assertEquals(flow.id(), events.getFirst().flowRunId());
        assertEquals("PENDING", events.getFirst().status());
        // the same change seen again (a second replay, another engine) creates nothing new
        reopened.setFlowRunState(Claim.initial(flow.id()), state(StateType.FAILED, T0.plusSeconds(1)));
        assertEquals(1, reopened.events(10).size());
    }

    @Test
    void replaysUpToATornRecordAtTheEndOfTheJournal() throws Exception {
        store.close();
        JdbcStateStore crashing = StoreFactory.openSqlite(db(), false);
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        crashing.insertFlowRun(flow);
        crashing.appendLog(log(flow.id(), null, 1));
        crashing.crashForTest();
        Path journal = journals().getFirst();
        Files.write(journal, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 9, 9}, StandardOpenOption.APPEND);

        store = StoreFactory.sqlite(db());

        assertEquals(flow, store.flowRun(flow.id()).orElseThrow());
        assertEquals(1, store.logs(flow.id()).size());
    }

    @Test
    void replayingWritesThatWereAlreadyAppliedDuplicatesNothing() throws Exception {
        store.close();
        JdbcStateStore crashing = StoreFactory.openSqlite(db(), true);
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        crashing.insertFlowRun(flow);
        crashing.setFlowRunState(Claim.initial(flow.id()), state(StateType.RUNNING, T0.plusSeconds(1)));
        crashing.appendLog(log(flow.id(), null, 1));
        crashing.putCache(new CacheEntry("k", "r", null, null));
        crashing.flush();
        crashing.crashForTest(); // applied, but the small journal was never truncated

        store = StoreFactory.sqlite(db());

        assertEquals(2, store.stateHistory(flow.id()).size());
        assertEquals(1, store.logs(flow.id()).size());
        assertEquals(StateType.RUNNING, store.flowRun(flow.id()).orElseThrow().state().type());
        assertEquals(1, count("SELECT COUNT(*) FROM flow_runs"));
    }

    @Test
    void doesNotReplayTheJournalOfAStoreThatIsStillOpen() throws Exception {
        JdbcStateStore live = StoreFactory.openSqlite(db(), false);
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        live.insertFlowRun(flow);

        try (StateStore other = StoreFactory.sqlite(db())) {
            assertEquals(Optional.empty(), other.flowRun(flow.id()));
        }
        live.crashForTest();
        try (StateStore after = StoreFactory.sqlite(db())) {
            assertEquals(flow, after.flowRun(flow.id()).orElseThrow());
        }
    }

    @Test
    void twoStoresOnTheSameFileWriteConcurrently() throws Exception {
        int threadsPerStore = 8, runsPerThread = 50;
        try (StateStore second = StoreFactory.sqlite(db())) {
            ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerStore);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (StateStore s : List.of(store, second)) {
                    for (int t = 0; t < threadsPerStore; t++) {
                        futures.add(pool.submit(() -> {
                            start.await();
                            for (int i = 0; i < runsPerThread; i++) {
                                FlowRunRecord flow = flowRun("shared", T0.plusMillis(i), StateType.PENDING, "e");
                                s.insertFlowRun(flow);
                                TaskRunRecord task = taskRun(flow.id(), i, List.of());
                                s.insertTaskRun(Claim.initial(task.flowRunId()), task);
                                s.setTaskRunState(Claim.initial(task.flowRunId()), task.id(), state(StateType.COMPLETED, T0), "r");
                                s.appendLog(new RunLog(flow.id(), task.id(), T0, "INFO", "l", "m"));
                                s.setFlowRunState(Claim.initial(flow.id()), state(StateType.COMPLETED, T0));
                                if (i % 10 == 0) s.flowRuns(FlowRunQuery.all().flow("shared").limit(5));
                            }
                            return null;
                        }));
                    }
                }
                start.countDown();
                for (Future<?> f : futures) f.get();
            } finally {
                pool.shutdownNow();
            }
            second.flush();
            store.flush();
            int expected = 2 * threadsPerStore * runsPerThread;
            FlowRunQuery all = FlowRunQuery.all().flow("shared").inStates(StateType.COMPLETED).limit(10_000);
            assertEquals(expected, store.flowRuns(all).size());
            assertEquals(expected, second.flowRuns(all).size());
            assertEquals(expected, count("SELECT COUNT(*) FROM run_logs"));
            assertEquals(2L * expected, count("SELECT COUNT(*) FROM state_history")); // 2 per flow run
            // task runs keep their 2-state history in their own row
            assertEquals(expected, count("SELECT COUNT(*) FROM task_runs WHERE state_type = 'COMPLETED' AND history LIKE '0%'"));
        }
    }

    @Test
    void twoStoresOpeningAFreshFileTogetherMigrateItOnce() throws Exception {
        store.close();
        Files.deleteIfExists(db());
        Path fresh = dir.resolve("fresh").resolve("flowcore.db");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StateStore>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opened.add(pool.submit(() -> {
                    start.await();
                    return StoreFactory.sqlite(fresh);
                }));
            }
            start.countDown();
            for (Future<StateStore> f : opened) f.get().close();
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fresh);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
            rs.next();
            assertEquals(Migrations.SCRIPTS.size(), rs.getInt(1));
            assertEquals(Migrations.version(Migrations.SCRIPTS.getLast()), rs.getInt(2));
        }
        store = StoreFactory.sqlite(db());
    }

    @Test
    void reopeningAnUpToDateDatabaseAppliesNoMigration() throws Exception {
        store.flush();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
            assertEquals(List.of(), Migrations.migrate(c, Dialect.SQLITE));
        }
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            assertEquals(Migrations.SCRIPTS.stream().map(Migrations::version).toList(),
                    Migrations.migrate(c, Dialect.SQLITE));
            assertEquals(List.of(), Migrations.migrate(c, Dialect.SQLITE));
        }
    }

    @Test
    void theNameIndexMigrationIndexesTheRunsAStoreHeldBefore() throws Exception {
        FlowRunRecord old = new FlowRunRecord(UUID.randomUUID(), "ancient-needle", "etl", "com.example.Etl", "run", "{}",
                null, null, "e", state(StateType.COMPLETED, T0), T0);
        store.insertFlowRun(old);
        for (int i = 0; i < StoreReader.NEWEST_SCANNED; i++) {
            store.insertFlowRun(flowRun("etl", T0.plusSeconds(1 + i), StateType.COMPLETED, "e"));
        }
        store.close();
        // the store as a flowcore before V19 left it: no name index
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            for (String t : List.of("insert", "delete", "update")) s.execute("DROP TRIGGER flow_run_names_" + t);
            s.execute("DROP TABLE flow_run_names");
            s.execute("DELETE FROM schema_version WHERE version >= 19");
        }
        store = StoreFactory.sqlite(db());
        assertEquals(List.of(old), store.flowRuns(FlowRunQuery.all().nameContains("needle")));
    }

    @Test
    void deletesItsJournalWhenClosed() throws Exception {
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        store.insertFlowRun(flow);
        assertEquals(1, journals().size());
        try (RandomAccessFile f = new RandomAccessFile(journals().getFirst().toFile(), "r")) {
            f.seek(4);
            assertTrue(f.readInt() > 0, "the write is in the journal"); // the first record's length
        }

        store.close();
        store = null;

        assertEquals(List.of(), journals());
        assertEquals(1, count("SELECT COUNT(*) FROM flow_runs"));
    }
}
