package io.flowcore.data;

/**
 * How one column of a source file was mapped onto the canonical schema.
 *
 * @param column the canonical column name (or the file's, for a dropped extra column)
 * @param from   the type in the file, or {@code absent}
 * @param to     the canonical type, or {@code dropped}
 */
public record SchemaChange(String column, String from, String to) {
    /** {@code passenger_count: DOUBLE → INT64}. */
    @Override
    public String toString() {
        return column + ": " + from + " → " + to;
    }
}
