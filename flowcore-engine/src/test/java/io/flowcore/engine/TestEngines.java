package io.flowcore.engine;

import io.flowcore.api.run.StateChange;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.state.State;
import java.util.Optional;
import io.flowcore.api.spi.Sleeper;
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
        private volatile Instant now;

        ManualClock() {
            this(Instant.parse("2026-01-01T00:00:00Z"));
        }

        ManualClock(Instant start) {
            this.now = start;
        }

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
        @Override public void insertTaskRun(Claim c, io.flowcore.api.run.TaskRunRecord r) { delegate.insertTaskRun(c, r); }
        @Override public void setFlowRunState(Claim c, State s) { delegate.setFlowRunState(c, s); }
        @Override public void setTaskRunState(Claim c, UUID id, State s, String ref) { delegate.setTaskRunState(c, id, s, ref); }
        @Override public State commitFinalState(Claim c, State s, State tasks) { return delegate.commitFinalState(c, s, tasks); }
        @Override public Optional<Claim> takeOver(Claim c, String engine, State flow, State tasks) {
            return delegate.takeOver(c, engine, flow, tasks);
        }
        @Override public List<io.flowcore.api.spi.RunClaim> liveRuns() { return delegate.liveRuns(); }
        @Override public void onClaimLost(java.util.function.Consumer<UUID> l) { delegate.onClaimLost(l); }
        @Override public void appendLog(io.flowcore.api.run.RunLog l) { delegate.appendLog(l); }
        @Override public Optional<io.flowcore.api.spi.CacheEntry> findCache(String k) { return delegate.findCache(k); }
        @Override public void putCache(io.flowcore.api.spi.CacheEntry e) { delegate.putCache(e); }
        @Override public void heartbeat(io.flowcore.api.spi.EngineLease l) { delegate.heartbeat(l); }
        @Override public void releaseLease(String id) { delegate.releaseLease(id); }
        @Override public Optional<io.flowcore.api.run.FlowRunRecord> flowRun(UUID id) { return delegate.flowRun(id); }
        @Override public List<io.flowcore.api.run.FlowRunRecord> flowRuns(io.flowcore.api.run.FlowRunQuery q) { return delegate.flowRuns(q); }
        @Override public List<io.flowcore.api.run.TaskRunRecord> taskRuns(UUID id) { return delegate.taskRuns(id); }
        @Override public Optional<io.flowcore.api.run.TaskRunRecord> taskRun(UUID id) { return delegate.taskRun(id); }
        @Override public List<io.flowcore.api.run.StateChange> stateHistory(UUID id) { return delegate.stateHistory(id); }
        @Override public List<io.flowcore.api.run.RunLog> logs(UUID id) { return delegate.logs(id); }
        @Override public void flush() { delegate.flush(); }
        @Override public void close() { }
    }
}
