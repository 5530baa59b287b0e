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
     *
     * <p>A replacement that would shrink the partition is refused (see {@link ShrinkGuard}): by default a
     * load with no rows, or with fewer than half ({@value ShrinkGuard#DEFAULT_MIN_FRACTION}) of the rows the
     * partition holds, fails with a {@link PartitionShrinkException} and the old rows stay. A mislabelled
     * source (another month's file under this month's name) yields exactly such a load. Use
     * {@link ReplacePartition#withMinFraction} to change the threshold and {@link ReplacePartition#force()}
     * when the source really shrank.
     */
    static ReplacePartition replacePartition(String column, String partition) {
        return new ReplacePartition(column, partition);
    }

    /** See {@link #append()}. */
    enum Append implements WriteMode { INSTANCE }

    /** See {@link #truncate()}. */
    enum Truncate implements WriteMode { INSTANCE }

    /**
     * See {@link #replacePartition(String, String)}.
     *
     * @param guard when the replacement is refused for shrinking the partition
     */
    record ReplacePartition(String column, String partition, ShrinkGuard guard) implements WriteMode {
        public ReplacePartition {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(guard, "guard");
            if (!partition.matches("\\d{6}|\\d{8}")) {
                throw new IllegalArgumentException("partition must be YYYYMM or YYYYMMDD: '" + partition + "'");
            }
        }

        /** A replacement with the default {@link ShrinkGuard}. */
        public ReplacePartition(String column, String partition) {
            this(column, partition, ShrinkGuard.defaults());
        }

        /** A copy that refuses a load with fewer than {@code fraction} (0..1) of the partition's rows. */
        public ReplacePartition withMinFraction(double fraction) {
            return new ReplacePartition(column, partition, guard.withMinFraction(fraction));
        }

        /** A copy that replaces the partition whatever the row counts, also by zero rows. */
        public ReplacePartition force() {
            return new ReplacePartition(column, partition, guard.force());
        }

        /** A copy with {@code force} applied when true (for a flow's {@code force} parameter). */
        public ReplacePartition force(boolean force) {
            return force ? force() : this;
        }

        /** True for a month partition ({@code YYYYMM}). */
        public boolean monthly() {
            return partition.length() == 6;
        }
    }
}
