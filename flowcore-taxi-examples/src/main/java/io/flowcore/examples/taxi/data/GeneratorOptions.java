package io.flowcore.examples.taxi.data;

import java.util.Objects;

/**
 * What to generate for a month.
 *
 * @param rows  the row count, or -1 for the month's real size ({@link MonthSpec#realRowCount()})
 * @param drift the schema drift of the file
 */
public record GeneratorOptions(long rows, DriftProfile drift) {

    /** @throws IllegalArgumentException when rows is below -1 */
    public GeneratorOptions {
        if (rows < -1) throw new IllegalArgumentException("rows must be >= 0 (or -1 for the real size), was " + rows);
        Objects.requireNonNull(drift, "drift");
    }

    /** The real month size, no drift. */
    public static GeneratorOptions realSize() {
        return new GeneratorOptions(-1, DriftProfile.NONE);
    }

    /** {@code rows} rows, no drift. */
    public static GeneratorOptions rows(long rows) {
        return new GeneratorOptions(rows, DriftProfile.NONE);
    }

    /** A copy with {@code drift}. */
    public GeneratorOptions withDrift(DriftProfile drift) {
        return new GeneratorOptions(rows, drift);
    }

    /** The row count for {@code month}. */
    public long rowsFor(MonthSpec month) {
        return rows >= 0 ? rows : month.realRowCount();
    }
}
