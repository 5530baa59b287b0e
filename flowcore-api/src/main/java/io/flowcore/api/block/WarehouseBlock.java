package io.flowcore.api.block;

import java.net.URI;
import java.nio.file.Path;

/**
 * A block for an analytical warehouse (BigQuery, embedded DuckDB) that loads Parquet files into
 * tables, creating the table from the file's schema if it is missing.
 */
public interface WarehouseBlock extends Block {

    /**
     * Loads a local Parquet file into {@code table}.
     *
     * @return the number of rows loaded
     * @throws BlockException when the load fails; the table is then as it was before
     */
    long load(Path parquet, String table, WriteMode mode);

    /**
     * Loads Parquet from a URI the warehouse reads itself (e.g. {@code gs://bucket/path/*.parquet} for
     * BigQuery, a {@code file:} URI for DuckDB).
     *
     * @return the number of rows loaded
     */
    long load(URI parquet, String table, WriteMode mode);
}
