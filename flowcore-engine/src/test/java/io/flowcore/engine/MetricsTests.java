package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.RunCounts;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.DeploymentsAndWorkersTests.Counted;
import io.flowcore.engine.testing.TestInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an engine records into a Micrometer registry (FlowcoreConfig.meterRegistry), on each store. */
@DisplayName("metrics")
class MetricsTests {
    /** A flow of three tasks, one of which fails once and is retried. */
    public static class Metered {
        static final AtomicInteger FLAKY_CALLS = new AtomicInteger();

        @Task
        public int double_(int n) {
            return 2 * n;
        }

        @Task(retries = 1)
        public int flaky(int n) {
            if (FLAKY_CALLS.incrementAndGet() == 1) throw new IllegalStateException("first call fails");
            return n;
        }

        @Flow(name = "metered")
        public int metered() {
            return double_(1) + double_(2) + flaky(3);
        }
    }

    abstract static class OnAStore {
        @TempDir
        Path home;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        abstract Consumer<FlowcoreConfig> store();

        Flowcore engine() {
            return Flowcore.create(cfg -> {
                cfg.home(home).meterRegistry(registry).sleeper(d -> { });
                store().accept(cfg);
            });
        }

        private double counter(String name, String state) {
            var c = registry.find(name).tag("state", state).counter();
            return c == null ? 0 : c.count();
        }

        @Test
        void theStatesRunsEnterAndTheTaskDurationsAreCounted() {
            Metered.FLAKY_CALLS.set(0);
            try (Flowcore fc = engine()) {
                assertEquals(9, fc.execute(Metered.class, Metered::metered).result());
            }
            assertEquals(1, counter("flowcore.flow.run.states", "Running"));
            assertEquals(1, counter("flowcore.flow.run.states", "Completed"));
            assertEquals(0, counter("flowcore.flow.run.states", "Failed"));
            assertEquals(3, counter("flowcore.task.run.states", "Completed"));
            assertEquals(1, counter("flowcore.task.run.states", "AwaitingRetry"));
            assertEquals(1, counter("flowcore.task.run.states", "Retrying"));
            assertEquals(4, counter("flowcore.task.run.states", "Running") + counter("flowcore.task.run.states", "Retrying"),
                    "every attempt runs");
            var completed = registry.find("flowcore.task.run.duration").tag("type", "COMPLETED").timer();
            assertEquals(3, completed.count(), "one duration per task run that ended Completed after running");
        }

        @Test
        void theStoresGaugesShowRunsPerStateAndEachQueuesDueRuns() {
            try (Flowcore fc = engine()) {
                fc.deployments().apply(Deployment.of(Counted.class, "counted", "metered").withWorkQueue("metered-q")
                        .withParameters(Map.of("batch", UUID.randomUUID().toString())));
                for (int i = 0; i < 3; i++) fc.deployments().run("counted/metered", Map.of("n", i));

                assertEquals(3, registry.get("flowcore.flow.runs").tag("state", "Scheduled").gauge().value());
                assertEquals(0, registry.get("flowcore.flow.runs").tag("state", "Late").gauge().value(),
                        "known states show 0 rather than no series");
                assertEquals(3, registry.get("flowcore.queue.due.runs").tag("queue", "metered-q").gauge().value());
                assertTrue(registry.get("flowcore.queue.oldest.due").tag("queue", "metered-q").gauge().value() >= 0);

                // the store's counts behind the gauges follow a claim and the clock
                DeploymentStore store = (DeploymentStore) fc.engineForTest().store();
                store.claimDue(fc.engineForTest().engineId(), List.of("metered-q"), Instant.now().plusSeconds(1), 1);
                fc.engineForTest().store().flush();
                RunCounts later = fc.engineForTest().store().runCounts(Instant.now().plusSeconds(60));
                RunCounts.QueueBacklog q = later.queues().stream().filter(b -> b.queue().equals("metered-q")).findFirst()
                        .orElseThrow();
                assertEquals(2, q.dueRuns(), "the claimed run is no longer waiting");
                assertTrue(q.oldestWait().compareTo(Duration.ofSeconds(59)) > 0
                        && q.oldestWait().compareTo(Duration.ofSeconds(120)) < 0, q.toString());
                assertEquals(List.of(new RunCounts.StateCount(StateType.PENDING, "Pending", 1),
                                new RunCounts.StateCount(StateType.SCHEDULED, "Scheduled", 2)),
                        later.states().stream().sorted(java.util.Comparator.comparing(s -> s.type().name())).toList());
                assertEquals(List.of(), fc.engineForTest().store().runCounts(Instant.now().minusSeconds(3600)).queues(),
                        "runs due later are not in the backlog");
            }
        }
    }

    @Nested
    @DisplayName("in memory")
    class InMemory extends OnAStore {
        @Override
        Consumer<FlowcoreConfig> store() {
            return cfg -> cfg.store(StateStores.inMemory());
        }
    }

    @Nested
    @DisplayName("on SQLite")
    class OnSqlite extends OnAStore {
        @Override
        Consumer<FlowcoreConfig> store() {
            return cfg -> { }; // the home's flowcore.db
        }
    }

    @Nested
    @DisplayName("on PostgreSQL")
    class OnPostgres extends OnAStore {
        private TestInfra.PgSchema schema;

        @Override
        synchronized Consumer<FlowcoreConfig> store() {
            if (schema == null) schema = TestInfra.PgSchema.create("flowcore_metrics");
            String url = schema.url();
            TestInfra.Postgres pg = schema.pg();
            return cfg -> cfg.database(url, pg.user(), pg.password());
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) schema.close();
        }
    }
}
