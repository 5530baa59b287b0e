package io.flowcore.engine.internal.store;

import io.flowcore.api.spi.Claim;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints what durable state costs per task run on SQLite: insertTaskRun + 2 x setTaskRunState + 1 appendLog,
 * 10,000 times from one thread. Not a timed assertion; excluded from the default build. Run with
 * {@code mvn -pl flowcore-engine -am test -Dsurefire.excludedGroups= -Dgroups=perf -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SqliteStoreOverheadMeasurement}.
 */
@Tag("perf")
class SqliteStoreOverheadMeasurement {
    private static final int TASKS = 10_000;

    @TempDir
    Path dir;

    @Test
    void measuresTheCallingThreadsCostPerTaskRun() throws Exception {
        try (StateStore store = StoreFactory.sqlite(dir.resolve("perf.db"))) {
            for (int round = 0; round < 5; round++) {
                FlowRunRecord flow = new FlowRunRecord(UUID.randomUUID(), "perf", "perf", "C", "m", "{}", null, null,
                        "e", State.of(StateType.RUNNING, Instant.now()), Instant.now());
                store.insertFlowRun(flow);
                store.flush();
                long start = System.nanoTime();
                for (int i = 0; i < TASKS; i++) {
                    Instant now = Instant.now();
                    UUID id = UUID.randomUUID();
                    store.insertTaskRun(Claim.initial(flow.id()), new TaskRunRecord(id, flow.id(), "C#task", "task-" + i, i, null, List.of(),
                            State.of(StateType.PENDING, now), null, now));
                    store.setTaskRunState(Claim.initial(flow.id()), id, State.of(StateType.RUNNING, now), null);
                    store.appendLog(new RunLog(flow.id(), id, now, "INFO", "perf", "task " + i + " says hello"));
                    store.setTaskRunState(Claim.initial(flow.id()), id, State.of(StateType.COMPLETED, now), "results/" + i);
                }
                long called = System.nanoTime();
                store.flush();
                long flushed = System.nanoTime();
                System.out.printf("round %d: %.2f us/task on the calling thread, %.2f us/task until flushed (%d ms total)%n",
                        round, (called - start) / 1000.0 / TASKS, (flushed - start) / 1000.0 / TASKS,
                        (flushed - start) / 1_000_000);
            }
            System.out.println("db size: " + Files.size(dir.resolve("perf.db")) + " bytes");
        }
    }
}
