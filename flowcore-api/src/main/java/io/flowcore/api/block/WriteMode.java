package io.flowcore.api.block;

import java.util.Objects;

/**
 * How a load writes into an existing table.
 */
public sealed interface WriteMode {

    /** Adds the rows to the table. Re-running a load duplicates them. */
    static WriteMode append() {
        return Append.INSTANCE;
    }

    /** Replaces every row of the table with the loaded rows. */
    static WriteMode truncate() {
        return Truncate.INSTANCE;
    }

    /**
     * Replaces one partition: the rows whose {@code column} (a DATE or TIMESTAMP) falls in
     * {@code partition} — {@code YYYYMM} for a month, {@code YYYYMMDD} for a day — are replaced by the
     * loaded rows, atomically, so re-running a month never duplicates it. Every loaded row must fall in
     * the partition.
     */
    static WriteMode replacePartition(String column, String partition) {
        return new ReplacePartition(column, partition);
    }

    /** See {@link #append()}. */
    enum Append implements WriteMode { INSTANCE }

    /** See {@link #truncate()}. */
    enum Truncate implements WriteMode { INSTANCE }

    /** See {@link #replacePartition(String, String)}. */
    record ReplacePartition(String column, String partition) implements WriteMode {
        public ReplacePartition {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(partition, "partition");
            if (!partition.matches("\\d{6}|\\d{8}")) {
                throw new IllegalArgumentException("partition must be YYYYMM or YYYYMMDD: '" + partition + "'");
            }
        }

        /** True for a month partition ({@code YYYYMM}). */
        public boolean monthly() {
            return partition.length() == 6;
        }
    }
}
