package io.flowcore.api.block;

import java.util.Locale;

/**
 * A replace-partition load was refused by its {@link ShrinkGuard}: the new data has no rows, or far
 * fewer than the partition it would replace. Nothing was changed. The message names the target, the
 * partition, both counts and how to force the load.
 */
public class PartitionShrinkException extends BlockException {
    private final String target;
    private final String partition;
    private final long oldRows;
    private final long newRows;

    /** A refusal to replace {@code oldRows} rows of {@code target}'s {@code partition} by {@code newRows}. */
    public PartitionShrinkException(String target, String partition, long oldRows, long newRows, double minFraction) {
        super("refusing to replace " + (partition == null ? "" : "partition " + partition + " of ") + target + ": it holds "
                + oldRows + " rows and the new data has " + newRows + (newRows == 0 ? "" : ", fewer than "
                + String.format(Locale.ROOT, "%.0f%%", minFraction * 100) + " of them")
                + "; the old rows are kept. An empty or mislabelled source (another month's file, a renamed date"
                + " column) looks like this. To replace anyway, force the load (ShrinkGuard.force(), e.g."
                + " WriteMode.replacePartition(column, partition).force())");
        this.target = target;
        this.partition = partition;
        this.oldRows = oldRows;
        this.newRows = newRows;
    }

    /** The table (or object) whose partition was to be replaced. */
    public String target() {
        return target;
    }

    /** The partition, or null for a whole table. */
    public String partition() {
        return partition;
    }

    /** The rows the partition holds (and still holds). */
    public long oldRows() {
        return oldRows;
    }

    /** The rows the refused load would have written. */
    public long newRows() {
        return newRows;
    }
}
