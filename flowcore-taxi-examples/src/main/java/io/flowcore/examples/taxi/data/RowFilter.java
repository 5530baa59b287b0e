package io.flowcore.examples.taxi.data;

/** A test on one row of a {@link RowBatch}; used to drop rows before they are written. */
@FunctionalInterface
public interface RowFilter {
    /** Whether row {@code row} of {@code batch} is kept. */
    boolean test(RowBatch batch, int row);

    /** Keeps every row. */
    static RowFilter all() {
        return (b, r) -> true;
    }

    /**
     * The lesson's {@code transform_data}: drops rows whose {@code passenger_count} is 0 and keeps the
     * rest, including rows where it is missing (as pandas' {@code df[df.passenger_count != 0]} does).
     *
     * @throws IllegalArgumentException when the schema has no passenger_count (fhv)
     */
    static RowFilter dropZeroPassengerCount(TaxiSchema schema) {
        int col = schema.require("passenger_count");
        return (b, r) -> b.isNull(col, r) || b.getAsLong(col, r) != 0;
    }
}
