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
}
