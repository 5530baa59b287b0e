package io.flowcore.engine;

import io.flowcore.api.block.BlockStore;
import io.flowcore.engine.internal.blocks.BlockStoreFactory;
import java.nio.file.Path;

/**
 * Opens the stores that keep blocks, for {@link Blocks#open(BlockStore, Path)}. Most users need none of this:
 * {@code Blocks.open(home)} and {@code FlowcoreConfig.database(...)} open the block store beside the run store.
 */
public final class BlockStores {
    private BlockStores() {
    }

    /** Blocks in this process's memory: nothing survives the process. */
    public static BlockStore inMemory() {
        return BlockStoreFactory.inMemory();
    }

    /** Blocks in the {@code blocks} table of an SQLite database file (created if missing). */
    public static BlockStore sqlite(Path databaseFile) {
        return BlockStoreFactory.sqlite(databaseFile);
    }

    /** Blocks in the {@code blocks} table of a JDBC database (PostgreSQL or SQLite), created if missing. */
    public static BlockStore jdbc(String jdbcUrl, String user, String password) {
        return BlockStoreFactory.jdbc(jdbcUrl, user, password);
    }
}
