package io.flowcore.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link StateStore} must do. Subclasses say how to open (and reopen) one. */
abstract class StateStoreContractTests {
    /** A fixed instant with nanosecond detail, so that a store that drops precision fails. */
    static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456789Z");

    protected StateStore store;

    /** A new, empty store. */
    protected abstract StateStore open();

    /** Closes {@code old} and opens the same storage again; aborts the test when the store cannot persist. */
    protected abstract StateStore reopen(StateStore old);

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    static State state(StateType type, Instant at) {
        return State.of(type, at);
    }

    static FlowRunRecord flowRun(String flow, Instant createdAt, StateType type, String engineId) {
        return new FlowRunRecord(UUID.randomUUID(), "brave-otter", flow, "com.example.Etl", "run",
                "{\"month\":3}", null, null, engineId, state(type, createdAt), createdAt);
    }

    static TaskRunRecord taskRun(UUID flowRunId, int n, List<UUID> upstream) {
        return new TaskRunRecord(UUID.randomUUID(), flowRunId, "com.example.Etl#fetch", "fetch-" + n, n,
                n % 2 == 0 ? "key-" + n : null, upstream, state(StateType.PENDING, T0.plusMillis(n)), null,
                T0.plusMillis(n));
    }

    static RunLog log(UUID flowRunId, UUID taskRunId, int n) {
        return new RunLog(flowRunId, taskRunId, T0.plusNanos(n), "INFO", "flowcore.test", "line " + n + " ✓");
    }

    @Test
    void readsBackAFlowRunWithEveryField() {
        UUID parent = UUID.randomUUID();
        FlowRunRecord run = new FlowRunRecord(UUID.randomUUID(), "rainbow-manul", "etl", "com.example.Etl", "run",
                "{\"year\":2021}", parent, UUID.randomUUID(), "engine-1",
                new State(StateType.SCHEDULED, "Late", T0, "ünïcode msg", T0.plusSeconds(60)), T0);
        store.insertFlowRun(run);

        assertEquals(Optional.of(run), store.flowRun(run.id()));
        assertEquals(Optional.empty(), store.flowRun(UUID.randomUUID()));
    }

    @Test
    void readsBackTaskRunsInCreationOrder() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        TaskRunRecord a = taskRun(flow.id(), 0, List.of());
        TaskRunRecord b = taskRun(flow.id(), 1, List.of(a.id()));
        TaskRunRecord c = taskRun(flow.id(), 2, List.of(a.id(), b.id()));
        store.insertTaskRun(a);
        store.insertTaskRun(b);
        store.insertTaskRun(c);
        store.insertTaskRun(taskRun(UUID.randomUUID(), 3, List.of()));

        assertEquals(List.of(a, b, c), store.taskRuns(flow.id()));
        assertEquals(Optional.of(c), store.taskRun(c.id()));
        assertEquals(Optional.empty(), store.taskRun(UUID.randomUUID()));
    }

    @Test
    void keepsTheStateHistoryInOrderAndTheLastStateAsCurrent() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        store.insertFlowRun(flow);
        State running = state(StateType.RUNNING, T0.plusNanos(1));
        State completed = state(StateType.COMPLETED, T0.plusNanos(2));
        store.setFlowRunState(flow.id(), running);
        store.setFlowRunState(flow.id(), completed);

        assertEquals(List.of(new StateChange(flow.id(), 0, flow.state()), new StateChange(flow.id(), 1, running),
                new StateChange(flow.id(), 2, completed)), store.stateHistory(flow.id()));
        assertEquals(completed, store.flowRun(flow.id()).orElseThrow().state());
    }

    @Test
    void setsATaskRunsStateAndResultRef() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        TaskRunRecord t = taskRun(flow.id(), 0, List.of());
        store.insertTaskRun(t);
        State retry = State.scheduled("AwaitingRetry", T0.plusSeconds(1), T0.plusSeconds(11));
        State done = State.named(StateType.COMPLETED, "Cached", T0.plusSeconds(12), null);
        store.setTaskRunState(t.id(), retry, null);
        store.setTaskRunState(t.id(), done, "results/abc");

        assertEquals(t.withState(done, "results/abc"), store.taskRun(t.id()).orElseThrow());
        assertEquals(List.of(t.state(), retry, done),
                store.stateHistory(t.id()).stream().map(StateChange::state).toList());
        assertEquals(List.of(0L, 1L, 2L), store.stateHistory(t.id()).stream().map(StateChange::seq).toList());
    }

    @Test
    void rejectsAStateForAnUnknownRun() {
        UUID unknown = UUID.randomUUID();
        assertThrows(IllegalArgumentException.class, () -> store.setFlowRunState(unknown, state(StateType.RUNNING, T0)));
        assertThrows(IllegalArgumentException.class,
                () -> store.setTaskRunState(unknown, state(StateType.RUNNING, T0), null));
    }

    @Test
    void keepsLogsOfAFlowRunAndItsTaskRunsInOrder() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        UUID task = UUID.randomUUID();
        List<RunLog> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RunLog l = log(flow.id(), i % 3 == 0 ? null : task, i);
            expected.add(l);
            store.appendLog(l);
        }
        store.appendLog(log(UUID.randomUUID(), null, 99));

        assertEquals(expected, store.logs(flow.id()));
    }

    @Test
    void putsReplacesAndFindsCacheEntries() {
        CacheEntry first = new CacheEntry("k1", "results/1", UUID.randomUUID(), null);
        CacheEntry replaced = new CacheEntry("k1", "results/2", UUID.randomUUID(), T0.plusSeconds(3600));
        CacheEntry other = new CacheEntry("k2", "results/3", UUID.randomUUID(), T0);
        store.putCache(first);
        store.putCache(other);
        assertEquals(Optional.of(first), store.findCache("k1"));
        store.putCache(replaced);

        assertEquals(Optional.of(replaced), store.findCache("k1"));
        assertEquals(Optional.of(other), store.findCache("k2"));
        assertEquals(Optional.empty(), store.findCache("missing"));
    }

    @Test
    void filtersFlowRunsByFlowStateAndTimeNewestFirst() {
        FlowRunRecord a = flowRun("etl", T0, StateType.COMPLETED, "e");
        FlowRunRecord b = flowRun("etl", T0.plusSeconds(1), StateType.FAILED, "e");
        FlowRunRecord c = flowRun("etl", T0.plusSeconds(2), StateType.COMPLETED, "e");
        FlowRunRecord d = flowRun("ingest", T0.plusSeconds(3), StateType.COMPLETED, "e");
        for (FlowRunRecord r : List.of(b, d, a, c)) store.insertFlowRun(r);

        assertEquals(List.of(d, c, b, a), store.flowRuns(FlowRunQuery.all()));
        assertEquals(List.of(c, b, a), store.flowRuns(FlowRunQuery.all().flow("etl")));
        assertEquals(List.of(c, a), store.flowRuns(FlowRunQuery.all().flow("etl").inStates(StateType.COMPLETED)));
        assertEquals(List.of(d, c), store.flowRuns(FlowRunQuery.all().inStates(StateType.FAILED, StateType.COMPLETED)
                .between(T0.plusSeconds(1), T0.plusSeconds(4)).limit(2)));
        assertEquals(List.of(b), store.flowRuns(FlowRunQuery.all().between(T0.plusSeconds(1), T0.plusSeconds(2))));
        assertEquals(List.of(d), store.flowRuns(FlowRunQuery.all().limit(1)));
    }

    @Test
    void findsFlowRunsByTheirCurrentState() {
        FlowRunRecord run = flowRun("etl", T0, StateType.PENDING, "e");
        store.insertFlowRun(run);
        store.setFlowRunState(run.id(), state(StateType.RUNNING, T0.plusSeconds(1)));

        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().inStates(StateType.PENDING)));
        assertEquals(List.of(run.id()), store.flowRuns(FlowRunQuery.all().inStates(StateType.RUNNING)).stream()
                .map(FlowRunRecord::id).toList());
    }

    @Test
    void marksRunsOfExpiredDeadOrMissingEnginesAsCrashed() {
        Instant now = T0.plusSeconds(600);
        Duration timeout = Duration.ofSeconds(30);
        store.heartbeat(new EngineLease("expired", "h", 1, T0, now.minusSeconds(31)));
        store.heartbeat(new EngineLease("dead", "h", 2, T0, now));
        store.heartbeat(new EngineLease("alive", "h", 3, T0, now.minusSeconds(5)));
        store.heartbeat(new EngineLease("released", "h", 4, T0, now));
        store.releaseLease("released");
        FlowRunRecord expired = flowRun("etl", T0, StateType.RUNNING, "expired");
        FlowRunRecord dead = flowRun("etl", T0.plusSeconds(1), StateType.RUNNING, "dead");
        FlowRunRecord alive = flowRun("etl", T0.plusSeconds(2), StateType.RUNNING, "alive");
        FlowRunRecord released = flowRun("etl", T0.plusSeconds(3), StateType.PENDING, "released");
        FlowRunRecord unknown = flowRun("etl", T0.plusSeconds(4), StateType.RUNNING, "never-heard-of");
        FlowRunRecord finished = flowRun("etl", T0.plusSeconds(5), StateType.COMPLETED, "expired");
        for (FlowRunRecord r : List.of(expired, dead, alive, released, unknown, finished)) store.insertFlowRun(r);
        TaskRunRecord running = taskRun(expired.id(), 0, List.of());
        TaskRunRecord done = taskRun(expired.id(), 1, List.of());
        TaskRunRecord aliveTask = taskRun(alive.id(), 2, List.of());
        store.insertTaskRun(running);
        store.insertTaskRun(done);
        store.insertTaskRun(aliveTask);
        store.setTaskRunState(running.id(), state(StateType.RUNNING, T0.plusSeconds(1)), null);
        store.setTaskRunState(done.id(), state(StateType.COMPLETED, T0.plusSeconds(2)), "results/done");
        State crashed = State.named(StateType.CRASHED, "Crashed", now, "engine gone");

        List<UUID> marked = store.markCrashedRuns(now, timeout, lease -> lease.pid() == 2, crashed);

        assertEquals(Set.of(expired.id(), dead.id(), released.id(), unknown.id()), Set.copyOf(marked));
        assertEquals(4, marked.size());
        for (UUID id : marked) {
            assertEquals(crashed, store.flowRun(id).orElseThrow().state());
            assertEquals(crashed, store.stateHistory(id).getLast().state());
        }
        assertEquals(alive, store.flowRun(alive.id()).orElseThrow());
        assertEquals(finished, store.flowRun(finished.id()).orElseThrow());
        assertEquals(List.of(StateType.PENDING, StateType.RUNNING, StateType.CRASHED),
                store.stateHistory(running.id()).stream().map(c -> c.state().type()).toList());
        assertEquals(crashed, store.taskRun(running.id()).orElseThrow().state());
        assertEquals(StateType.COMPLETED, store.taskRun(done.id()).orElseThrow().state().type());
        assertEquals(2, store.stateHistory(done.id()).size());
        assertEquals(aliveTask, store.taskRun(aliveTask.id()).orElseThrow());
        assertEquals(List.of(), store.markCrashedRuns(now, timeout, lease -> lease.pid() == 2, crashed));
    }

    @Test
    void makesAWriteVisibleToAnotherThreadOnceFlushed() throws Exception {
        FlowRunRecord run = flowRun("etl", T0, StateType.PENDING, "e");
        Thread writer = Thread.ofPlatform().start(() -> {
            store.insertFlowRun(run);
            store.setFlowRunState(run.id(), state(StateType.RUNNING, T0));
            store.flush();
        });
        writer.join();

        assertEquals(StateType.RUNNING, store.flowRun(run.id()).orElseThrow().state().type());
    }

    @Test
    void survives64ConcurrentWritersAndConcurrentReaders() throws Exception {
        int writers = 64, tasksPerWriter = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<FlowRunRecord> flows = new ArrayList<>();
            for (int w = 0; w < writers; w++) flows.add(flowRun("concurrent", T0.plusMillis(w), StateType.RUNNING, "e"));
            List<Future<?>> writes = new ArrayList<>();
            for (FlowRunRecord flow : flows) {
                writes.add(pool.submit(() -> {
                    start.await();
                    store.insertFlowRun(flow);
                    for (int i = 0; i < tasksPerWriter; i++) {
                        TaskRunRecord t = taskRun(flow.id(), i, List.of());
                        store.insertTaskRun(t);
                        store.setTaskRunState(t.id(), state(StateType.RUNNING, T0), null);
                        store.appendLog(log(flow.id(), t.id(), i));
                        store.setTaskRunState(t.id(), state(StateType.COMPLETED, T0), "results/" + i);
                    }
                    store.setFlowRunState(flow.id(), state(StateType.COMPLETED, T0));
                    return null;
                }));
            }
            AtomicInteger reads = new AtomicInteger();
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    while (writing.get()) {
                        FlowRunRecord f = flows.get(reads.incrementAndGet() % writers);
                        store.flowRuns(FlowRunQuery.all().flow("concurrent").limit(10));
                        store.taskRuns(f.id());
                        store.logs(f.id());
                        store.stateHistory(f.id());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : writes) f.get();
            writing.set(false);
            for (Future<?> f : readers) f.get();

            assertTrue(reads.get() > 0, "the readers ran");
            assertEquals(writers, store.flowRuns(FlowRunQuery.all().flow("concurrent").inStates(StateType.COMPLETED)).size());
            for (FlowRunRecord flow : flows) {
                List<TaskRunRecord> tasks = store.taskRuns(flow.id());
                assertEquals(tasksPerWriter, tasks.size());
                for (int i = 0; i < tasksPerWriter; i++) {
                    TaskRunRecord t = tasks.get(i);
                    assertEquals("fetch-" + i, t.name());
                    assertEquals("results/" + i, t.resultRef());
                    assertEquals(List.of(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED),
                            store.stateHistory(t.id()).stream().map(c -> c.state().type()).toList());
                }
                assertEquals(List.of("line 0 ✓", "line 1 ✓", "line 2 ✓"),
                        store.logs(flow.id()).stream().limit(3).map(RunLog::message).toList());
                assertEquals(tasksPerWriter, store.logs(flow.id()).size());
                assertEquals(2, store.stateHistory(flow.id()).size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keepsEverythingWhenReopened() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.PENDING, "e");
        store.insertFlowRun(flow);
        store.setFlowRunState(flow.id(), state(StateType.RUNNING, T0.plusSeconds(1)));
        TaskRunRecord t = taskRun(flow.id(), 0, List.of());
        store.insertTaskRun(t);
        store.setTaskRunState(t.id(), state(StateType.RUNNING, T0.plusSeconds(2)), null);
        store.appendLog(log(flow.id(), t.id(), 1));
        CacheEntry entry = new CacheEntry("k", "results/k", t.id(), null);
        store.putCache(entry);

        store = reopen(store);

        assertEquals(StateType.RUNNING, store.flowRun(flow.id()).orElseThrow().state().type());
        assertEquals(2, store.stateHistory(t.id()).size());
        assertEquals(1, store.logs(flow.id()).size());
        assertEquals(Optional.of(entry), store.findCache("k"));
        // The history continues from the stored sequence numbers.
        store.setTaskRunState(t.id(), state(StateType.COMPLETED, T0.plusSeconds(3)), "results/t");
        store.setFlowRunState(flow.id(), state(StateType.COMPLETED, T0.plusSeconds(4)));
        assertEquals(List.of(0L, 1L, 2L), store.stateHistory(t.id()).stream().map(StateChange::seq).toList());
        assertEquals(List.of(0L, 1L, 2L), store.stateHistory(flow.id()).stream().map(StateChange::seq).toList());
        assertEquals(StateType.COMPLETED, store.flowRun(flow.id()).orElseThrow().state().type());
    }
}
