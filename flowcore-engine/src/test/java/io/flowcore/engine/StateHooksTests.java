package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("state hooks")
class StateHooksTests {
    @TempDir
    Path home;
    Flowcore fc;
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static CountDownLatch started;

    @BeforeEach
    void open() {
        calls.clear();
        started = new CountDownLatch(1);
        fc = TestEngines.inMemory(home);
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public static class Hooked {
        @Task
        public int load(int rows) {
            if (rows < 0) throw new IllegalArgumentException("negative rows: " + rows);
            return rows;
        }

        @Flow(name = "hooked", onCompletion = {"record", "broken"}, onFailure = "record", onCancellation = "record")
        public int etl(int rows) throws InterruptedException {
            if (rows == 0) {
                started.countDown();
                Thread.sleep(60_000);
            }
            return load(rows);
        }

        public void record(FlowRunRecord run, State state) {
            // the state is committed before the hook runs: the store already holds it
            calls.add(run.name() + ":" + state.name() + ":" + run.state().type());
        }

        public void broken(FlowRunRecord run, State state) {
            calls.add("broken");
            throw new IllegalStateException("the pager is down");
        }
    }

    @Test
    void completionHooksRunAfterTheStateIsCommittedAndAFailingHookChangesNothing() {
        FlowRun<Integer> run = fc.execute(Hooked.class, f -> f.etl(5));

        assertEquals(StateType.COMPLETED, run.state().type());
        assertEquals(List.of(run.name() + ":Completed:COMPLETED", "broken"), calls);
        assertEquals(StateType.COMPLETED, fc.history().flowRun(run.id()).orElseThrow().state().type());
        List<String> lines = run.logs().stream().map(RunLog::message).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("An error was encountered while running hook 'broken'")
                && l.contains("the pager is down")), lines.toString());
    }

    @Test
    void failureHooksRunForAFailedRun() {
        FlowRun<Integer> run = fc.execute(Hooked.class, f -> f.etl(-1));
        assertEquals(StateType.FAILED, run.state().type());
        assertEquals(List.of(run.name() + ":Failed:FAILED"), calls);
    }

    @Test
    void cancellationHooksRunForACancelledRun() throws Exception {
        Thread runner = Thread.ofVirtual().start(() -> fc.execute(Hooked.class, f -> f.etl(0)));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        FlowRunRecord live = fc.history().flowRuns(io.flowcore.api.run.FlowRunQuery.all().flow("hooked")).getFirst();
        assertTrue(fc.cancel(live.id()));
        runner.join();
        assertEquals(List.of(live.name() + ":Cancelled:CANCELLED"), calls);
    }

    public static class Misspelt {
        @Flow(onFailure = "notfy")
        public void etl() {
        }

        public void notify(FlowRunRecord run, State state) {
        }

        public void page(FlowRunRecord run, State state) {
        }
    }

    @Test
    void aHookNameThatMatchesNoMethodIsAnErrorAtFirstUseListingTheMethodsThatFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fc.executeVoid(Misspelt.class, Misspelt::etl));
        assertTrue(e.getMessage().contains("@Flow(onFailure = \"notfy\") on Misspelt.etl(): Misspelt has no method "
                + "notfy(FlowRunRecord, State); the methods that fit are: notify, page"), e.getMessage());
    }
}
