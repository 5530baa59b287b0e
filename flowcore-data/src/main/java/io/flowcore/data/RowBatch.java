package io.flowcore.data;

import java.util.Arrays;

/**
 * A column-major block of up to {@link #capacity()} rows laid out by a {@link Schema}: integer,
 * timestamp, date (days since 1970-01-01), boolean (0/1) and decimal (unscaled) columns in {@code long[]}, doubles in {@code double[]}, text in {@code String[]}, plus a
 * null flag per cell. Batches travel between the parsing and the writing thread; one batch is
 * touched by one thread at a time. Not thread-safe.
 */
public final class RowBatch {
    private final Schema schema;
    private final int capacity;
    private final long[][] longs;
    private final double[][] doubles;
    private final String[][] texts;
    private final boolean[][] nulls;
    private final long[] lineNumbers;
    private int size;

    /** An empty batch of {@code capacity} rows for {@code schema}. */
    public RowBatch(Schema schema, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        this.schema = schema;
        this.capacity = capacity;
        int n = schema.size();
        longs = new long[n][];
        doubles = new double[n][];
        texts = new String[n][];
        nulls = new boolean[n][capacity];
        lineNumbers = new long[capacity];
        for (int c = 0; c < n; c++) {
            switch (schema.column(c).type().storage()) {
                case LONG -> longs[c] = new long[capacity];
                case DOUBLE -> doubles[c] = new double[capacity];
                case TEXT -> texts[c] = new String[capacity];
            }
        }
    }

    /** The schema the columns follow. */
    public Schema schema() { return schema; }

    /** The number of rows. */
    public int size() { return size; }

    /** The maximum number of rows. */
    public int capacity() { return capacity; }

    /** Whether no more rows fit. */
    public boolean isFull() { return size == capacity; }

    /** Removes all rows. */
    public void clear() { size = 0; }

    /**
     * Starts a new row at index {@link #size()} with every cell null and returns its index; call
     * {@link #commitRow()} to keep it.
     */
    public int beginRow(long lineNumber) {
        if (size == capacity) throw new IllegalStateException("batch is full (" + capacity + " rows)");
        for (boolean[] n : nulls) n[size] = true;
        lineNumbers[size] = lineNumber;
        return size;
    }

    /** Keeps the row begun by {@link #beginRow(long)}. */
    public void commitRow() { size++; }

    /** The source line (CSV) or row number (Parquet, 1-based) the row came from. */
    public long lineNumber(int row) { return lineNumbers[row]; }

    /** Whether the cell is null. */
    public boolean isNull(int col, int row) { return nulls[col][row]; }

    /** The value of a LONG-stored cell (integer or timestamp micros); 0 when null. */
    public long getLong(int col, int row) { return longs[col][row]; }

    /** The value of a DOUBLE-stored cell; 0 when null. */
    public double getDouble(int col, int row) { return doubles[col][row]; }

    /** The value of a TEXT-stored cell; null when null. */
    public String getText(int col, int row) { return texts[col][row]; }

    /**
     * The value of a DECIMAL cell (its unscaled long at the column's scale); null when null.
     *
     * @throws IllegalArgumentException when the column is not a DECIMAL
     */
    public java.math.BigDecimal getDecimal(int col, int row) {
        if (!(schema.column(col).type() instanceof ColumnType.Decimal d)) {
            throw new IllegalArgumentException("column " + schema.column(col) + " is not a DECIMAL");
        }
        return nulls[col][row] ? null : d.value(longs[col][row]);
    }

    /** The cell as a long whatever its storage (doubles truncated); for filters and tests. */
    public long getAsLong(int col, int row) {
        return longs[col] != null ? longs[col][row] : (long) doubles[col][row];
    }

    /** Sets an integer or timestamp cell; on a DOUBLE-stored column the value is converted. */
    public void setLong(int col, int row, long value) {
        if (longs[col] != null) longs[col][row] = value;
        else doubles[col][row] = value;
        nulls[col][row] = false;
    }

    /** Sets a double cell; on a LONG-stored column the value is truncated (callers check it is integral). */
    public void setDouble(int col, int row, double value) {
        if (doubles[col] != null) doubles[col][row] = value;
        else longs[col][row] = (long) value;
        nulls[col][row] = false;
    }

    /** Sets a text cell. */
    public void setText(int col, int row, String value) {
        texts[col][row] = value;
        nulls[col][row] = value == null;
    }

    /**
     * Sets a cell from a Java value, converted to the column's type: integers from integral
     * {@link Number}s, doubles from any {@code Number}, text from any value's {@code toString()},
     * timestamps from {@link java.time.LocalDateTime} or {@link java.sql.Timestamp}, dates from
     * {@link java.time.LocalDate} or {@link java.sql.Date}, booleans from {@link Boolean}, decimals from
     * {@link java.math.BigDecimal} or integral numbers (rescaled exactly); each also from its text
     * ({@code "42"}, {@code "2021-01-02"}, {@code "2021-01-02 03:04:05"}, {@code "true"}, {@code "12.30"}).
     * {@code null} sets null.
     *
     * @throws IllegalArgumentException naming the column, the value and the type when the value does
     *                                  not convert without loss
     */
    public void setValue(int col, int row, Object value) {
        if (value == null) {
            setNull(col, row);
            return;
        }
        ColumnType type = schema.column(col).type();
        try {
            switch (type) {
                case ColumnType.Int32 t -> setLong(col, row, Math.toIntExact(JavaValues.integral(value)));
                case ColumnType.Int64 t -> setLong(col, row, JavaValues.integral(value));
                case ColumnType.Float64 t -> setDouble(col, row,
                        value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString()));
                case ColumnType.Text t -> setText(col, row, value.toString());
                case ColumnType.Timestamp t -> setLong(col, row, JavaValues.micros(value));
                case ColumnType.Date t -> setLong(col, row, JavaValues.days(value));
                case ColumnType.Bool t -> setLong(col, row, JavaValues.bool(value) ? 1 : 0);
                case ColumnType.Decimal d -> setLong(col, row, JavaValues.unscaled(value, d));
            }
        } catch (ArithmeticException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("column " + schema.column(col).name() + " (" + type.displayName()
                    + ") cannot hold " + (value instanceof String ? "'" + value + "'" : value) + " ("
                    + value.getClass().getSimpleName() + ")" + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    /** Sets the cell to null. */
    public void setNull(int col, int row) {
        nulls[col][row] = true;
    }

    /**
     * Keeps only the rows for which {@code keep} is true, in order; returns how many were dropped.
     */
    public int retain(RowFilter keep) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!keep.test(this, r)) continue;
            if (w != r) moveRow(r, w);
            w++;
        }
        int dropped = size - w;
        size = w;
        return dropped;
    }

    private void moveRow(int from, int to) {
        for (int c = 0; c < nulls.length; c++) {
            nulls[c][to] = nulls[c][from];
            if (longs[c] != null) longs[c][to] = longs[c][from];
            else if (doubles[c] != null) doubles[c][to] = doubles[c][from];
            else texts[c][to] = texts[c][from];
        }
        lineNumbers[to] = lineNumbers[from];
    }

    /** Releases text references so a recycled batch does not keep strings alive. */
    void clearTexts() {
        for (String[] t : texts) if (t != null) Arrays.fill(t, 0, size, null);
    }
}
