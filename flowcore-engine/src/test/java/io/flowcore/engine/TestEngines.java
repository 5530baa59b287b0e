package io.flowcore.engine;

import io.flowcore.api.run.StateChange;
import io.flowcore.api.spi.Sleeper;
import io.flowcore.engine.store.StateStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Engines for tests: in-memory store, results in a temp folder, a sleeper that records instead of sleeping. */
final class TestEngines {
    private TestEngines() {
    }

    static Flowcore inMemory(Path home) {
        return inMemory(home, cfg -> { });
    }

    static Flowcore inMemory(Path home, Consumer<FlowcoreConfig> more) {
        return Flowcore.create(cfg -> {
            cfg.home(home).store(StateStores.inMemory());
            more.accept(cfg);
        });
    }

    /** "Type:Name" of each state in a run's history, e.g. "RUNNING:Retrying". */
    static List<String> names(List<StateChange> history) {
        return history.stream().map(c -> c.state().name()).toList();
    }

    static List<String> names(Flowcore fc, UUID runId) {
        return names(fc.history().stateHistory(runId));
    }

    /** Records each requested sleep and returns at once. */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> sleeps = new CopyOnWriteArrayList<>();

        @Override
        public void sleep(Duration d) {
            sleeps.add(d);
        }
    }

    /** A clock tests move by hand. */
    static final class ManualClock implements InstantSource {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** Shares one store between two engines: closing an engine must not close it. */
    static record Unclosable(io.flowcore.api.spi.StateStore delegate) implements io.flowcore.api.spi.StateStore {
        @Override public String name() { return delegate.name(); }
        @Override public void insertFlowRun(io.flowcore.api.run.FlowRunRecord r) { delegate.insertFlowRun(r); }
        @Override public void insertTaskRun(io.flowcore.api.run.TaskRunRecord r) { delegate.insertTaskRun(r); }
        @Override public void setFlowRunState(java.util.UUID id, io.flowcore.api.state.State s) { delegate.setFlowRunState(id, s); }
        @Override public void setTaskRunState(java.util.UUID id, io.flowcore.api.state.State s, String ref) { delegate.setTaskRunState(id, s, ref); }
        @Override public void appendLog(io.flowcore.api.run.RunLog l) { delegate.appendLog(l); }
        @Override public java.util.Optional<io.flowcore.api.spi.CacheEntry> findCache(String k) { return delegate.findCache(k); }
        @Override public void putCache(io.flowcore.api.spi.CacheEntry e) { delegate.putCache(e); }
        @Override public void heartbeat(io.flowcore.api.spi.EngineLease l) { delegate.heartbeat(l); }
        @Override public void releaseLease(String id) { delegate.releaseLease(id); }
        @Override public java.util.List<java.util.UUID> markCrashedRuns(java.time.Instant now, java.time.Duration t,
                java.util.function.Predicate<io.flowcore.api.spi.EngineLease> dead, io.flowcore.api.state.State s) {
            return delegate.markCrashedRuns(now, t, dead, s);
        }
        @Override public java.util.Optional<io.flowcore.api.run.FlowRunRecord> flowRun(java.util.UUID id) { return delegate.flowRun(id); }
        @Override public java.util.List<io.flowcore.api.run.FlowRunRecord> flowRuns(io.flowcore.api.run.FlowRunQuery q) { return delegate.flowRuns(q); }
        @Override public java.util.List<io.flowcore.api.run.TaskRunRecord> taskRuns(java.util.UUID id) { return delegate.taskRuns(id); }
        @Override public java.util.Optional<io.flowcore.api.run.TaskRunRecord> taskRun(java.util.UUID id) { return delegate.taskRun(id); }
        @Override public java.util.List<io.flowcore.api.run.StateChange> stateHistory(java.util.UUID id) { return delegate.stateHistory(id); }
        @Override public java.util.List<io.flowcore.api.run.RunLog> logs(java.util.UUID id) { return delegate.logs(id); }
        @Override public void flush() { delegate.flush(); }
        @Override public void close() { }
    }
}
