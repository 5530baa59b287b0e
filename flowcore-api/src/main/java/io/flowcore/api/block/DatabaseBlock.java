package io.flowcore.api.block;

import java.util.List;
import java.util.Map;

/** A block for a SQL database: run statements and queries with bound parameters. */
public interface DatabaseBlock extends Block, AutoCloseable {

    /**
     * Runs one statement with {@code params} bound to its {@code ?} placeholders.
     *
     * @return the update count (0 for DDL)
     */
    int execute(String sql, Object... params);

    /** Runs a query and returns every row, each as column label → value in column order. */
    List<Map<String, Object>> query(String sql, Object... params);

    /** Releases the block's connections; it reconnects on next use. */
    @Override
    void close();
}
