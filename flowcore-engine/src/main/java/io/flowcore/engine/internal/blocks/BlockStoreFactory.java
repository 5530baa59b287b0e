package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.BlockStore;
import java.nio.file.Path;

/** Opens block stores (internal: users open them through io.flowcore.engine.BlockStores or Blocks). */
public final class BlockStoreFactory {
    private BlockStoreFactory() {
    }

    /** Blocks in this process's memory: nothing survives the process. */
    public static BlockStore inMemory() {
        return new InMemoryBlockStore();
    }

    /** Blocks in the {@code blocks} table of an SQLite database file (created if missing). */
    public static BlockStore sqlite(Path databaseFile) {
        Path abs = databaseFile.toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(abs.getParent());
        } catch (java.io.IOException e) {
            throw new io.flowcore.api.block.BlockException("cannot create the folder of " + abs + ": " + e.getMessage(), e);
        }
        return new JdbcBlockStore("jdbc:sqlite:" + abs, null, null);
    }

    /** Blocks in the {@code blocks} table of a JDBC database (PostgreSQL or SQLite), created if missing. */
    public static BlockStore jdbc(String jdbcUrl, String user, String password) {
        return new JdbcBlockStore(jdbcUrl, user, password);
    }
}
