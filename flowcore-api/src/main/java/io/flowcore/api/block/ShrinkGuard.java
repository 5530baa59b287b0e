package io.flowcore.api.block;

/**
 * Protects a partition (or table) from being replaced by much less data than it holds: a source
 * whose date column is missing, renamed or holds another month yields zero rows "in the month",
 * and replacing the month with them would silently delete it. A replacement is refused when the
 * old data has rows and the new data has none, or fewer than {@link #minFraction()} of them,
 * unless the guard is {@link #forced()}.
 *
 * <p>The default ({@link #defaults()}) refuses a replacement that would lose more than half of the
 * rows ({@value #DEFAULT_MIN_FRACTION}). A first load (no old rows) is never refused.
 *
 * @param minFraction the smallest share of the old row count the new data must have, 0..1
 *                    (0 still refuses an empty replacement of a non-empty partition)
 * @param forced      true to replace whatever the counts
 */
public record ShrinkGuard(double minFraction, boolean forced) {
    /** The default minimum share of the old rows: half. */
    public static final double DEFAULT_MIN_FRACTION = 0.5;

    /** @throws IllegalArgumentException when {@code minFraction} is outside 0..1 */
    public ShrinkGuard {
        if (!(minFraction >= 0 && minFraction <= 1)) {
            throw new IllegalArgumentException("minFraction must be between 0 and 1, was " + minFraction);
        }
    }

    /** Refuses a replacement with fewer than half of the old rows. */
    public static ShrinkGuard defaults() {
        return new ShrinkGuard(DEFAULT_MIN_FRACTION, false);
    }

    /** A copy that refuses a replacement with fewer than {@code fraction} of the old rows (0..1). */
    public ShrinkGuard withMinFraction(double fraction) {
        return new ShrinkGuard(fraction, forced);
    }

    /** A copy that allows any replacement, also by zero rows. */
    public ShrinkGuard force() {
        return new ShrinkGuard(minFraction, true);
    }

    /** True when replacing {@code oldRows} rows by {@code newRows} rows is refused. */
    public boolean refuses(long oldRows, long newRows) {
        if (forced || oldRows <= 0) return false;
        return newRows <= 0 || newRows < minFraction * oldRows;
    }

    /**
     * Checks a replacement, before it is committed.
     *
     * @param target    what is replaced, for the message (e.g. {@code rides_yellow})
     * @param partition which part of it (e.g. {@code 202101}), or null for the whole table
     * @throws PartitionShrinkException when {@link #refuses} says so
     */
    public void check(String target, String partition, long oldRows, long newRows) {
        if (refuses(oldRows, newRows)) throw new PartitionShrinkException(target, partition, oldRows, newRows, minFraction);
    }
}
