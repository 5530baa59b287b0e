package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.spi.Claim;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.RunClaim;
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
        store.insertTaskRun(Claim.initial(a.flowRunId()), a);
        store.insertTaskRun(Claim.initial(b.flowRunId()), b);
        store.insertTaskRun(Claim.initial(c.flowRunId()), c);
        TaskRunRecord elsewhere = taskRun(UUID.randomUUID(), 3, List.of());
        store.insertTaskRun(Claim.initial(elsewhere.flowRunId()), elsewhere);

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
        store.setFlowRunState(Claim.initial(flow.id()), running);
        store.setFlowRunState(Claim.initial(flow.id()), completed);

        assertEquals(List.of(new StateChange(flow.id(), 0, flow.state()), new StateChange(flow.id(), 1, running),
                new StateChange(flow.id(), 2, completed)), store.stateHistory(flow.id()));
        assertEquals(completed, store.flowRun(flow.id()).orElseThrow().state());
    }

    @Test
    void setsATaskRunsStateAndResultRef() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        TaskRunRecord t = taskRun(flow.id(), 0, List.of());
        store.insertTaskRun(Claim.initial(t.flowRunId()), t);
        State retry = State.scheduled("AwaitingRetry", T0.plusSeconds(1), T0.plusSeconds(11));
        State done = State.named(StateType.COMPLETED, "Cached", T0.plusSeconds(12), null);
        store.setTaskRunState(Claim.initial(t.flowRunId()), t.id(), retry, null);
        store.setTaskRunState(Claim.initial(t.flowRunId()), t.id(), done, "results/abc");

        assertEquals(t.withState(done, "results/abc"), store.taskRun(t.id()).orElseThrow());
        assertEquals(List.of(t.state(), retry, done),
                store.stateHistory(t.id()).stream().map(StateChange::state).toList());
        assertEquals(List.of(0L, 1L, 2L), store.stateHistory(t.id()).stream().map(StateChange::seq).toList());
    }

    @Test
    void rejectsAStateForAnUnknownRun() {
        UUID unknown = UUID.randomUUID();
        assertThrows(IllegalArgumentException.class,
                () -> store.setFlowRunState(Claim.initial(unknown), state(StateType.RUNNING, T0)));
        assertThrows(IllegalArgumentException.class,
                () -> store.setTaskRunState(Claim.initial(unknown), unknown, state(StateType.RUNNING, T0), null));
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
        assertEquals(expected.subList(0, 4), store.logs(flow.id(), 0, 4), "a first page");
        assertEquals(expected.subList(4, 8), store.logs(flow.id(), 4, 4), "a page in the middle");
        assertEquals(expected.subList(8, 10), store.logs(flow.id(), 8, 4), "a short last page");
        assertEquals(List.of(), store.logs(flow.id(), 10, 4), "past the end");
        assertEquals(List.of(), store.logs(flow.id(), 0, 0));
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
    void pagesThroughFlowRunsWithACursorEvenWhenRunsShareTheirCreationTime() {
        List<FlowRunRecord> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) runs.add(flowRun("etl", T0.plusSeconds(i / 2), StateType.COMPLETED, "e"));
        runs.forEach(store::insertFlowRun);
        List<FlowRunRecord> all = store.flowRuns(FlowRunQuery.all());

        List<FlowRunRecord> paged = new java.util.ArrayList<>();
        FlowRunQuery.Cursor cursor = null;
        for (int page = 0; page < 10; page++) {
            List<FlowRunRecord> p = store.flowRuns(FlowRunQuery.all().limit(3).after(cursor));
            paged.addAll(p);
            if (p.size() < 3) break;
            cursor = FlowRunQuery.Cursor.of(p.getLast());
        }
        assertEquals(all, paged);
        assertEquals(7, new java.util.HashSet<>(paged).size());
    }

    @Test
    void filtersFlowRunsByStateNameAndNameAndTreatsFilterValuesAsText() {
        FlowRunRecord late = flowRun("etl", T0, StateType.SCHEDULED, "e");
        late = new FlowRunRecord(late.id(), "Quick-Fox", "etl", late.flowClass(), late.flowMethod(), late.parametersJson(),
                null, null, "e", new State(StateType.SCHEDULED, "Late", T0, null, T0), T0);
        FlowRunRecord failed = flowRun("etl", T0.plusSeconds(1), StateType.FAILED, "e");
        FlowRunRecord odd = new FlowRunRecord(UUID.randomUUID(), "100%_done", "etl'; DROP TABLE flow_runs; --",
                "com.example.Etl", "run", "{}", null, null, "e", state(StateType.COMPLETED, T0.plusSeconds(2)),
                T0.plusSeconds(2));
        for (FlowRunRecord r : List.of(late, failed, odd)) store.insertFlowRun(r);

        assertEquals(List.of(late), store.flowRuns(FlowRunQuery.all().inStateNames("Late")));
        assertEquals(List.of(failed, late), store.flowRuns(FlowRunQuery.all().inStates(StateType.FAILED)
                .inStateNames("Late")));
        assertEquals(List.of(late), store.flowRuns(FlowRunQuery.all().nameContains("quick-f")));
        assertEquals(List.of(odd), store.flowRuns(FlowRunQuery.all().nameContains("0%_")));
        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().nameContains("0_%")));
        assertEquals(List.of(odd), store.flowRuns(FlowRunQuery.all().flow("etl'; DROP TABLE flow_runs; --")));
        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().flow("x' OR '1'='1")));
        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().inStateNames("x') OR ('1'='1")));
        assertEquals(3, store.flowRuns(FlowRunQuery.all()).size());
    }

    @Test
    void aNameSearchFindsRareNamesFarBelowTheNewestRunsInOrderWithTheOtherFiltersAndTheCursor() {
        // more common runs than the search reads from the newest on, so the rare ones come through the name index
        List<FlowRunRecord> rare = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rare.add(named(i == 1 ? "Rare-NEEDLE-\"1\"" : "rare-needle-" + i, T0.plusSeconds(i),
                    i == 2 ? StateType.FAILED : StateType.COMPLETED));
        }
        rare.forEach(store::insertFlowRun);
        for (int i = 0; i < StoreReader.NEWEST_SCANNED + 100; i++) {
            store.insertFlowRun(named("common-" + i, T0.plusSeconds(10 + i), StateType.COMPLETED));
        }
        FlowRunRecord deleted = named("rare-needle-gone", T0.minusSeconds(5), StateType.COMPLETED);
        store.insertFlowRun(deleted);
        store.deleteEndedRuns(T0.minusSeconds(1), List.of(), false); // retention: its name goes from the index too

        assertEquals(List.of(rare.get(2), rare.get(1), rare.get(0)), store.flowRuns(FlowRunQuery.all().nameContains("needle")));
        assertEquals(List.of(rare.get(1)), store.flowRuns(FlowRunQuery.all().nameContains("NEEDLE-\"1")), "case and quotes");
        assertEquals(List.of(rare.get(2), rare.get(1), rare.get(0)), store.flowRuns(FlowRunQuery.all().nameContains("e-")),
                "two letters: read without the index");
        assertEquals(List.of(rare.get(2)), store.flowRuns(FlowRunQuery.all().nameContains("needle").inStates(StateType.FAILED)));
        List<FlowRunRecord> first = store.flowRuns(FlowRunQuery.all().nameContains("needle").limit(2));
        assertEquals(List.of(rare.get(2), rare.get(1)), first);
        assertEquals(List.of(rare.get(0)), store.flowRuns(FlowRunQuery.all().nameContains("needle").limit(2)
                .after(FlowRunQuery.Cursor.of(first.getLast()))));
        assertEquals(50, store.flowRuns(FlowRunQuery.all().nameContains("common-").limit(50)).size());
        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().nameContains("needle-gone")));
        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().nameContains("needle%")));
    }

    @Test
    void countsTheRunsCreatedPerIntervalAndStateForATimeline() {
        for (FlowRunRecord r : List.of(named("a", T0, StateType.COMPLETED), named("b", T0.plusSeconds(600), StateType.FAILED),
                named("c", T0.plusSeconds(4200), StateType.COMPLETED), named("d", T0.plusSeconds(4300), StateType.COMPLETED),
                named("early", T0.minusSeconds(1), StateType.FAILED), named("late", T0.plusSeconds(3 * 3600), StateType.FAILED))) {
            store.insertFlowRun(r);
        }
        java.time.Duration hour = java.time.Duration.ofHours(1);
        assertEquals(java.util.Set.of(new io.flowcore.api.run.CreatedRuns(T0, hour, StateType.COMPLETED, 1),
                        new io.flowcore.api.run.CreatedRuns(T0, hour, StateType.FAILED, 1),
                        new io.flowcore.api.run.CreatedRuns(T0.plus(hour), hour, StateType.COMPLETED, 2)),
                java.util.Set.copyOf(store.createdRuns(T0, T0.plusSeconds(3 * 3600), hour)));
    }

    private static FlowRunRecord named(String name, Instant at, StateType type) {
        return new FlowRunRecord(UUID.randomUUID(), name, "etl", "com.example.Etl", "run", "{}", null, null, "e",
                state(type, at), at);
    }

    @Test
    void filtersFlowRunsByDeploymentAndTag() {
        var deployments = (io.flowcore.api.spi.DeploymentStore) store;
        io.flowcore.api.deployment.DeploymentRecord nightly = deployments.applyDeployment(
                new io.flowcore.api.deployment.DeploymentRecord(UUID.randomUUID().toString(), "etl", "nightly", 1,
                        "com.example.Etl", "run", "{}", List.of("prod", "taxi"), "default", "", "h1", T0));
        io.flowcore.api.deployment.DeploymentRecord adhoc = deployments.applyDeployment(
                new io.flowcore.api.deployment.DeploymentRecord(UUID.randomUUID().toString(), "etl", "adhoc", 1,
                        "com.example.Etl", "run", "{}", List.of("production"), "default", "", "h2", T0));
        FlowRunRecord a = flowRun("etl", T0, StateType.SCHEDULED, null);
        FlowRunRecord b = flowRun("etl", T0.plusSeconds(1), StateType.SCHEDULED, null);
        FlowRunRecord direct = flowRun("etl", T0.plusSeconds(2), StateType.COMPLETED, "e");
        deployments.insertScheduledRun(a.withState(new State(StateType.SCHEDULED, "Scheduled", T0, null, T0)),
                nightly.id(), "default");
        deployments.insertScheduledRun(b.withState(new State(StateType.SCHEDULED, "Scheduled", T0, null, T0)),
                adhoc.id(), "default");
        store.insertFlowRun(direct);

        assertEquals(List.of(a.id()), ids(store.flowRuns(FlowRunQuery.all().deployment("etl/nightly"))));
        assertEquals(List.of(b.id()), ids(store.flowRuns(FlowRunQuery.all().deployment("etl/adhoc"))));
        assertEquals(List.of(a.id()), ids(store.flowRuns(FlowRunQuery.all().tag("prod"))));
        assertEquals(List.of(b.id(), a.id()), ids(store.flowRuns(FlowRunQuery.all().flow("etl").inStates(StateType.SCHEDULED))));
        assertEquals(List.of(), ids(store.flowRuns(FlowRunQuery.all().tag("pro%"))));
    }

    private static List<UUID> ids(List<FlowRunRecord> runs) {
        return runs.stream().map(FlowRunRecord::id).toList();
    }

    @Test
    void findsFlowRunsByTheirCurrentState() {
        FlowRunRecord run = flowRun("etl", T0, StateType.PENDING, "e");
        store.insertFlowRun(run);
        store.setFlowRunState(Claim.initial(run.id()), state(StateType.RUNNING, T0.plusSeconds(1)));

        assertEquals(List.of(), store.flowRuns(FlowRunQuery.all().inStates(StateType.PENDING)));
        assertEquals(List.of(run.id()), store.flowRuns(FlowRunQuery.all().inStates(StateType.RUNNING)).stream()
                .map(FlowRunRecord::id).toList());
    }

    @Test
    void reportsEveryLiveRunWithItsClaimAndItsEnginesLease() {
        EngineLease lease = new EngineLease("a", "h", 7, T0, T0.plusSeconds(3), "boot/pid:[1]", T0);
        store.heartbeat(lease);
        FlowRunRecord held = flowRun("etl", T0, StateType.RUNNING, "a");
        FlowRunRecord orphan = flowRun("etl", T0.plusSeconds(1), StateType.RUNNING, "gone");
        FlowRunRecord finished = flowRun("etl", T0.plusSeconds(2), StateType.COMPLETED, "a");
        for (FlowRunRecord r : List.of(held, orphan, finished)) store.insertFlowRun(r);

        List<RunClaim> live = store.liveRuns();

        assertEquals(List.of(held.id(), orphan.id()), live.stream().map(r -> r.claim().flowRunId()).toList());
        assertEquals(new RunClaim(Claim.initial(held.id()), held.name(), held.state(), "a", lease), live.get(0));
        assertEquals(null, live.get(1).lease());
        assertEquals("gone", live.get(1).engineId());
    }

    @Test
    void aTakeoverMovesTheClaimOnEndsTheUnfinishedTaskRunsAndRefusesTheOldHoldersLaterWrites() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "a");
        store.insertFlowRun(flow);
        Claim a = Claim.initial(flow.id());
        TaskRunRecord running = taskRun(flow.id(), 0, List.of());
        TaskRunRecord done = taskRun(flow.id(), 1, List.of());
        store.insertTaskRun(a, running);
        store.insertTaskRun(a, done);
        store.setTaskRunState(a, running.id(), state(StateType.RUNNING, T0.plusSeconds(1)), null);
        store.setTaskRunState(a, done.id(), state(StateType.COMPLETED, T0.plusSeconds(2)), "results/done");
        List<UUID> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.onClaimLost(told::add);
        State crashed = State.named(StateType.CRASHED, "Crashed", T0.plusSeconds(60), "engine gone");

        Optional<Claim> b = store.takeOver(a, null, crashed, crashed);

        assertEquals(Optional.of(new Claim(flow.id(), 1)), b);
        assertEquals(crashed, store.flowRun(flow.id()).orElseThrow().state());
        assertEquals(crashed, store.taskRun(running.id()).orElseThrow().state());
        assertEquals(StateType.COMPLETED, store.taskRun(done.id()).orElseThrow().state().type());
        assertEquals(List.of(), store.liveRuns());
        // The old holder finishes late: its writes are refused and it is told so.
        store.setTaskRunState(a, running.id(), state(StateType.COMPLETED, T0.plusSeconds(61)), "results/late");
        State stored = store.commitFinalState(a, state(StateType.COMPLETED, T0.plusSeconds(62)), null);
        store.flush();
        assertEquals(crashed, stored);
        assertEquals(crashed, store.flowRun(flow.id()).orElseThrow().state());
        assertEquals(crashed, store.taskRun(running.id()).orElseThrow().state());
        assertEquals(List.of(StateType.RUNNING, StateType.CRASHED),
                store.stateHistory(flow.id()).stream().map(c -> c.state().type()).toList());
        assertEquals(List.of(0L, 1L), store.stateHistory(flow.id()).stream().map(StateChange::seq).toList());
        assertEquals(List.of(StateType.PENDING, StateType.RUNNING, StateType.CRASHED),
                store.stateHistory(running.id()).stream().map(c -> c.state().type()).toList());
        assertTrue(told.contains(flow.id()), "the old holder hears that its claim is gone");
        // A second takeover under the stale claim loses; one under the new claim wins.
        assertEquals(Optional.empty(), store.takeOver(a, null, null, null));
    }

    @Test
    void aTakeoverOfARunThatEndedOrMovedOnLosesAndChangesNothing() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "a");
        store.insertFlowRun(flow);
        Claim a = Claim.initial(flow.id());
        State cancelling = State.of(StateType.CANCELLING, T0.plusSeconds(1));
        Claim b = store.takeOver(a, null, cancelling, null).orElseThrow();
        Claim reclaimed = store.takeOver(b, "a2", null, null).orElseThrow();

        assertEquals(2, reclaimed.epoch());
        assertEquals(cancelling, store.flowRun(flow.id()).orElseThrow().state(), "a re-claim keeps the state");
        assertEquals("a2", store.flowRun(flow.id()).orElseThrow().engineId());
        assertEquals(Optional.empty(), store.takeOver(b, null, State.of(StateType.CRASHED, T0), null));

        State cancelled = State.named(StateType.CANCELLED, "Cancelled", T0.plusSeconds(2), null);
        assertEquals(cancelled, store.commitFinalState(reclaimed, cancelled, cancelled));
        assertEquals(Optional.empty(), store.takeOver(reclaimed, null, State.of(StateType.CRASHED, T0), null));
        assertEquals(List.of("RUNNING", "CANCELLING", "CANCELLED"),
                store.stateHistory(flow.id()).stream().map(c -> c.state().type().name()).toList());
    }

    @Test
    void makesAWriteVisibleToAnotherThreadOnceFlushed() throws Exception {
        FlowRunRecord run = flowRun("etl", T0, StateType.PENDING, "e");
        Thread writer = Thread.ofPlatform().start(() -> {
            store.insertFlowRun(run);
            store.setFlowRunState(Claim.initial(run.id()), state(StateType.RUNNING, T0));
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
            CountDownLatch readersIn = new CountDownLatch(4); // the writers start once every reader is reading
            AtomicBoolean writing = new AtomicBoolean(true);
            List<FlowRunRecord> flows = new ArrayList<>();
            for (int w = 0; w < writers; w++) flows.add(flowRun("concurrent", T0.plusMillis(w), StateType.RUNNING, "e"));
            List<Future<?>> writes = new ArrayList<>();
            for (FlowRunRecord flow : flows) {
                writes.add(pool.submit(() -> {
                    start.await();
                    readersIn.await();
                    store.insertFlowRun(flow);
                    for (int i = 0; i < tasksPerWriter; i++) {
                        TaskRunRecord t = taskRun(flow.id(), i, List.of());
                        store.insertTaskRun(Claim.initial(t.flowRunId()), t);
                        store.setTaskRunState(Claim.initial(t.flowRunId()), t.id(), state(StateType.RUNNING, T0), null);
                        store.appendLog(log(flow.id(), t.id(), i));
                        store.setTaskRunState(Claim.initial(t.flowRunId()), t.id(), state(StateType.COMPLETED, T0), "results/" + i);
                    }
                    store.setFlowRunState(Claim.initial(flow.id()), state(StateType.COMPLETED, T0));
                    return null;
                }));
            }
            AtomicInteger reads = new AtomicInteger();
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    boolean first = true;
                    while (first || writing.get()) {
                        if (first) readersIn.countDown();
                        first = false;
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
        store.setFlowRunState(Claim.initial(flow.id()), state(StateType.RUNNING, T0.plusSeconds(1)));
        TaskRunRecord t = taskRun(flow.id(), 0, List.of());
        store.insertTaskRun(Claim.initial(t.flowRunId()), t);
        store.setTaskRunState(Claim.initial(t.flowRunId()), t.id(), state(StateType.RUNNING, T0.plusSeconds(2)), null);
        store.appendLog(log(flow.id(), t.id(), 1));
        CacheEntry entry = new CacheEntry("k", "results/k", t.id(), null);
        store.putCache(entry);

        store = reopen(store);

        assertEquals(StateType.RUNNING, store.flowRun(flow.id()).orElseThrow().state().type());
        assertEquals(2, store.stateHistory(t.id()).size());
        assertEquals(1, store.logs(flow.id()).size());
        assertEquals(Optional.of(entry), store.findCache("k"));
        // The history continues from the stored sequence numbers.
        store.setTaskRunState(Claim.initial(t.flowRunId()), t.id(), state(StateType.COMPLETED, T0.plusSeconds(3)), "results/t");
        store.setFlowRunState(Claim.initial(flow.id()), state(StateType.COMPLETED, T0.plusSeconds(4)));
        assertEquals(List.of(0L, 1L, 2L), store.stateHistory(t.id()).stream().map(StateChange::seq).toList());
        assertEquals(List.of(0L, 1L, 2L), store.stateHistory(flow.id()).stream().map(StateChange::seq).toList());
        assertEquals(StateType.COMPLETED, store.flowRun(flow.id()).orElseThrow().state().type());
    }
}
