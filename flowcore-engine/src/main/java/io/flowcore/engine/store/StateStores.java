package io.flowcore.engine.store;

import io.flowcore.api.spi.StateStore;

/** Opens state stores. The implementations are package-private; this is the only way in. */
public final class StateStores {
    private StateStores() {
    }

    /** A store in this process's memory: nothing survives the process. */
    public static StateStore inMemory() {
        return new InMemoryStateStore();
    }

    // TEMPORARY until the JDBC store lands: both fall back to memory.
    public static StateStore sqlite(java.nio.file.Path file) {
        return new InMemoryStateStore();
    }

    public static StateStore jdbc(String url, String user, String password, java.nio.file.Path journal) {
        return new InMemoryStateStore();
    }
}
