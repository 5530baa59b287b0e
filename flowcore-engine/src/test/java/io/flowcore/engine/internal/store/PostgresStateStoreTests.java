package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.StateStore;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a real PostgreSQL, each test in a schema of its own that is dropped afterwards. */
class PostgresStateStoreTests extends StateStoreContractTests {
    private TestInfra.Postgres pg;
    private String schema;

    @TempDir
    Path journalDir;

    @BeforeEach
    @Override
    void openStore() {
        pg = TestInfra.postgres();
        schema = "flowcore_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        super.openStore();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    private String url() {
        return pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    protected StateStore open() {
        return StoreFactory.jdbc(url(), pg.user(), pg.password(), journalDir);
    }

    @Override
    protected StateStore reopen(StateStore old) {
        old.close();
        return open();
    }

    /** Text that the COPY format escapes or that UTF-8 encodes in more than one byte. */
    private static final List<String> AWKWARD = List.of("tab\there", "line\nbreak", "cr\rhere", "back\\slash", "\\N",
            "\\.", "nul \u0000 byte", "otter \uD83E\uDDA6", "lone \uD800 surrogate", "ünïcode ✓", "", "ends with \\");

    @Test
    void writesAwkwardTextAlikeInABatchCopiedAndInSingleInserts() {
        var flow = flowRun("etl", T0, io.flowcore.api.state.StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        Claim claim = Claim.initial(flow.id());
        List<io.flowcore.api.run.TaskRunRecord> copied = new java.util.ArrayList<>();
        List<io.flowcore.api.run.TaskRunRecord> inserted = new java.util.ArrayList<>();
        var lock = ((JdbcStateStore) store).writerLockForTest();
        int batch = OpApplier.COPY_MIN_ROWS + AWKWARD.size();
        lock.lock(); // one batch: over OpApplier's COPY threshold
        try {
            for (int i = 0; i < batch; i++) {
                var t = awkwardTask(flow.id(), i);
                copied.add(t);
                store.insertTaskRun(claim, t);
                store.appendLog(awkwardLog(flow.id(), t.id(), i));
            }
        } finally {
            lock.unlock();
        }
        store.flush();
        for (int i = 0; i < AWKWARD.size(); i++) { // one row a batch: INSERTs
            var t = awkwardTask(flow.id(), i);
            inserted.add(t);
            store.insertTaskRun(claim, t);
            store.appendLog(awkwardLog(flow.id(), t.id(), i));
            store.flush();
        }

        var stored = store.taskRuns(flow.id());
        var logs = store.logs(flow.id());
        for (int i = 0; i < AWKWARD.size(); i++) {
            var viaCopy = stored.get(i);
            var viaInsert = stored.get(batch + i);
            assertEquals(copied.get(i).id(), viaCopy.id());
            assertEquals(inserted.get(i).id(), viaInsert.id());
            assertEquals(viaInsert.name(), viaCopy.name(), "task run name " + i);
            assertEquals(viaInsert.cacheKey(), viaCopy.cacheKey(), "cache key " + i);
            assertEquals(viaInsert.state(), viaCopy.state(), "state " + i);
            assertEquals(logs.get(batch + i).message(), logs.get(i).message(), "log line " + i);
            assertEquals(logs.get(batch + i).logger(), logs.get(i).logger(), "logger " + i);
        }
        // Beyond agreeing with the driver: the text is kept (NUL stored as U+2400, a lone surrogate as '?')
        assertEquals("tab\there", stored.get(0).name().substring(2));
        assertEquals("line\nbreak", logs.get(1).message());
        assertEquals("back\\slash", logs.get(3).message());
        assertEquals("\\N", logs.get(4).message());
        assertEquals("nul \u2400 byte", logs.get(6).message());
        assertEquals("otter \uD83E\uDDA6", logs.get(7).message());
        assertEquals("lone ? surrogate", logs.get(8).message());
        assertEquals("", logs.get(10).message());
        assertEquals(Columns.text(copied.get(6).name()), stored.get(6).name());
    }

    private static io.flowcore.api.run.TaskRunRecord awkwardTask(UUID flowRunId, int i) {
        String text = AWKWARD.get(i % AWKWARD.size());
        var state = new io.flowcore.api.state.State(io.flowcore.api.state.StateType.PENDING, "Pending " + text,
                T0.plusMillis(i), text, i % 2 == 0 ? null : T0.plusSeconds(i));
        return new io.flowcore.api.run.TaskRunRecord(UUID.randomUUID(), flowRunId, "com.example.Etl#fetch",
                i + "-" + text, i, i % 3 == 0 ? null : "key " + text, List.of(), state, null, T0.plusMillis(i));
    }

    private static io.flowcore.api.run.RunLog awkwardLog(UUID flowRunId, UUID taskRunId, int i) {
        return new io.flowcore.api.run.RunLog(flowRunId, taskRunId, T0.plusNanos(i), "INFO", "logger " + AWKWARD.get(i % AWKWARD.size()),
                AWKWARD.get(i % AWKWARD.size()));
    }

    @Test
    void aBatchWhoseCopyMeetsRowsAlreadyThereIsWrittenAgainWithoutDuplicates() throws SQLException {
        var flow = flowRun("etl", T0, io.flowcore.api.state.StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        store.flush();
        List<StoreOp> batch = new java.util.ArrayList<>();
        List<io.flowcore.api.run.TaskRunRecord> tasks = new java.util.ArrayList<>();
        int n = OpApplier.COPY_MIN_ROWS + 20;
        for (int i = 0; i < n; i++) {
            var t = taskRun(flow.id(), i, List.of());
            tasks.add(t);
            batch.add(new StoreOp.InsertTaskRun(t, 0));
            batch.add(new StoreOp.AppendLog(42, i, log(flow.id(), t.id(), i)));
        }
        var done = state(io.flowcore.api.state.StateType.COMPLETED, T0.plusSeconds(5));
        // As a commit whose answer was lost and is sent again: the second time every row is there already.
        try (JdbcTarget target = new JdbcTarget(Dialect.POSTGRESQL, DriverManager.getConnection(url(), pg.user(),
                pg.password()), () -> DriverManager.getConnection(url(), pg.user(), pg.password()))) {
            target.apply(batch, new OpApplier.Outcome());
            List<StoreOp> again = new java.util.ArrayList<>(batch);
            again.add(new StoreOp.SetTaskRunState(tasks.get(0).id(), flow.id(), done, "ref", StoreOp.seq(0, 1), 0));
            target.apply(again, new OpApplier.Outcome());
        }

        var stored = store.taskRuns(flow.id());
        assertEquals(tasks.stream().map(io.flowcore.api.run.TaskRunRecord::id).toList(),
                stored.stream().map(io.flowcore.api.run.TaskRunRecord::id).toList(), "each task run once, in order");
        assertEquals(done, stored.get(0).state(), "the batch's newer state is written on the second try");
        assertEquals(n, store.logs(flow.id()).size(), "each log line once");
    }

    @Test
    void aNotificationRuleSavedByAnotherProcessIsHonouredByTheWritersNextBatch() {
        var flow = flowRun("etl", T0, io.flowcore.api.state.StateType.PENDING, "e");
        store.insertFlowRun(flow);
        Claim claim = Claim.initial(flow.id());
        store.setFlowRunState(claim, state(io.flowcore.api.state.StateType.RUNNING, T0.plusSeconds(1)));
        store.flush(); // the writer has read the rules (none) with the settings version of this batch
        var notifications = (io.flowcore.api.spi.NotificationStore) store;
        assertEquals(List.of(), notifications.events(10));

        try (StateStore other = open()) { // another process: this store's writer hears of it only through the database
            ((io.flowcore.api.spi.NotificationStore) other).saveRule(
                    io.flowcore.api.notification.NotificationRule.of("on-completed", "ops-mail", "Completed"));
        }
        store.setFlowRunState(claim, state(io.flowcore.api.state.StateType.COMPLETED, T0.plusSeconds(2)));
        store.flush();

        var events = notifications.events(10);
        assertEquals(1, events.size(), "the rule saved after the writer last read the rules: " + events);
        assertEquals(flow.id(), events.get(0).flowRunId());
        assertEquals("on-completed", events.get(0).rule());
    }

    @Test
    void replaysTheJournalOfACrashedProcessOnOpen() {
        store.close();
        JdbcStateStore crashing = (JdbcStateStore) open();
        var flow = flowRun("etl", T0, io.flowcore.api.state.StateType.PENDING, "e");
        crashing.insertFlowRun(flow);
        crashing.flush();
        crashing.appendLog(log(flow.id(), null, 1));
        crashing.crashForTest();

        store = open();

        assertEquals(flow, store.flowRun(flow.id()).orElseThrow());
        assertEquals(List.of(log(flow.id(), null, 1)), store.logs(flow.id()));
    }

    @Test
    void rejectsAUrlOfAnotherDatabaseNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreFactory.jdbc("jdbc:mysql://db:3306/flowcore?password=secret", "u", "p", journalDir));
        assertTrue(e.getMessage().contains("jdbc:mysql://db:3306/flowcore"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }
}
