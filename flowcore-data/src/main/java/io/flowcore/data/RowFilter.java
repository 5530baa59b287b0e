package io.flowcore.data;

/** A test on one row of a {@link RowBatch}; used to drop rows before they are written. */
@FunctionalInterface
public interface RowFilter {
    /** Whether row {@code row} of {@code batch} is kept. */
    boolean test(RowBatch batch, int row);

    /** Keeps every row. */
    static RowFilter all() {
        return (b, r) -> true;
    }

}
