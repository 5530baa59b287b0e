package io.flowcore.data;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The type of one column, with its Parquet and PostgreSQL mappings and how a {@link RowBatch} holds it.
 *
 * <p>Timestamps are local wall-clock times (files such as the TLC's carry no zone): Parquet
 * {@code TIMESTAMP(MICROS, isAdjustedToUTC=false)}, PostgreSQL {@code timestamp}, held in memory as
 * microseconds since 1970-01-01T00:00 local. Dates are held as days since 1970-01-01 (negative before),
 * booleans as 0/1, and decimals as their unscaled value in a {@code long}, so DECIMAL precision is at
 * most 18 digits.
 */
public sealed interface ColumnType permits ColumnType.Int32, ColumnType.Int64, ColumnType.Float64,
        ColumnType.Timestamp, ColumnType.Text, ColumnType.Date, ColumnType.Bool, ColumnType.Decimal {

    /** 32-bit integer (source files only). */
    ColumnType INT32 = new Int32();
    /** 64-bit integer. */
    ColumnType INT64 = new Int64();
    /** IEEE double. */
    ColumnType DOUBLE = new Float64();
    /** Local timestamp, microsecond precision. */
    ColumnType TIMESTAMP = new Timestamp();
    /** UTF-8 text. */
    ColumnType TEXT = new Text();
    /** Calendar date without a zone. */
    ColumnType DATE = new Date();
    /** True or false. */
    ColumnType BOOLEAN = new Bool();

    /**
     * A fixed-point decimal with {@code precision} digits, {@code scale} of them after the point.
     *
     * @throws IllegalArgumentException unless 1 &lt;= precision &lt;= 18 and 0 &lt;= scale &lt;= precision
     */
    static Decimal decimal(int precision, int scale) {
        return new Decimal(precision, scale);
    }

    /** How a {@link RowBatch} holds values of this type. */
    enum Storage { LONG, DOUBLE, TEXT }

    /**
     * The name used in logs and error messages: {@code INT32}, {@code INT64}, {@code DOUBLE}, {@code TIMESTAMP},
     * {@code TEXT}, {@code DATE}, {@code BOOLEAN}, {@code DECIMAL(p,s)}.
     */
    String displayName();

    /** The PostgreSQL column type. */
    String postgresType();

    /** How batches store this type. */
    Storage storage();

    /** The optional Parquet field for a column of this type. */
    PrimitiveType parquetField(String name);

    /** 32-bit integer: Parquet INT32, PostgreSQL {@code integer}. */
    record Int32() implements ColumnType {
        @Override public String displayName() { return "INT32"; }
        @Override public String postgresType() { return "integer"; }
        @Override public Storage storage() { return Storage.LONG; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.INT32, Repetition.OPTIONAL).named(name);
        }
    }

    /** 64-bit integer: Parquet INT64, PostgreSQL {@code bigint}. */
    record Int64() implements ColumnType {
        @Override public String displayName() { return "INT64"; }
        @Override public String postgresType() { return "bigint"; }
        @Override public Storage storage() { return Storage.LONG; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.INT64, Repetition.OPTIONAL).named(name);
        }
    }

    /** Double: Parquet DOUBLE, PostgreSQL {@code double precision}. */
    record Float64() implements ColumnType {
        @Override public String displayName() { return "DOUBLE"; }
        @Override public String postgresType() { return "double precision"; }
        @Override public Storage storage() { return Storage.DOUBLE; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.DOUBLE, Repetition.OPTIONAL).named(name);
        }
    }

    /** Local timestamp: Parquet INT64 TIMESTAMP(MICROS, false), PostgreSQL {@code timestamp}. */
    record Timestamp() implements ColumnType {
        @Override public String displayName() { return "TIMESTAMP"; }
        @Override public String postgresType() { return "timestamp"; }
        @Override public Storage storage() { return Storage.LONG; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.INT64, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(name);
        }
    }

    /** Text: Parquet BINARY (STRING), PostgreSQL {@code text}. */
    record Text() implements ColumnType {
        @Override public String displayName() { return "TEXT"; }
        @Override public String postgresType() { return "text"; }
        @Override public Storage storage() { return Storage.TEXT; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.BINARY, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.stringType()).named(name);
        }
    }

    /** Date: Parquet INT32 (DATE), PostgreSQL {@code date}; held as days since 1970-01-01. */
    record Date() implements ColumnType {
        @Override public String displayName() { return "DATE"; }
        @Override public String postgresType() { return "date"; }
        @Override public Storage storage() { return Storage.LONG; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.INT32, Repetition.OPTIONAL).as(LogicalTypeAnnotation.dateType()).named(name);
        }
    }

    /** Boolean: Parquet BOOLEAN, PostgreSQL {@code boolean}; held as 1 (true) or 0 (false). */
    record Bool() implements ColumnType {
        @Override public String displayName() { return "BOOLEAN"; }
        @Override public String postgresType() { return "boolean"; }
        @Override public Storage storage() { return Storage.LONG; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(PrimitiveTypeName.BOOLEAN, Repetition.OPTIONAL).named(name);
        }
    }

    /**
     * Decimal: Parquet DECIMAL(p,s) on INT32 (p &lt;= 9) or INT64, PostgreSQL {@code numeric(p,s)}; held as
     * the unscaled value (12.34 in DECIMAL(10,2) is 1234).
     *
     * @param precision digits in all, 1..18
     * @param scale     digits after the point, 0..precision
     */
    record Decimal(int precision, int scale) implements ColumnType {
        /** @throws IllegalArgumentException naming the precision or scale out of range */
        public Decimal {
            if (precision < 1 || precision > 18) {
                throw new IllegalArgumentException("DECIMAL precision must be within 1..18 (held in a long), was " + precision);
            }
            if (scale < 0 || scale > precision) {
                throw new IllegalArgumentException("DECIMAL scale must be within 0.." + precision + ", was " + scale);
            }
        }

        @Override public String displayName() { return "DECIMAL(" + precision + "," + scale + ")"; }
        @Override public String postgresType() { return "numeric(" + precision + "," + scale + ")"; }
        @Override public Storage storage() { return Storage.LONG; }
        @Override public PrimitiveType parquetField(String name) {
            return Types.primitive(precision <= 9 ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.decimalType(scale, precision)).named(name);
        }

        /** The value of {@code unscaled} in this type, e.g. 12.34 for 1234 in DECIMAL(10,2). */
        public java.math.BigDecimal value(long unscaled) {
            return java.math.BigDecimal.valueOf(unscaled, scale);
        }

        /** Whether {@code unscaled} has at most {@link #precision()} digits. */
        public boolean fits(long unscaled) {
            return unscaled > -LIMITS[precision] && unscaled < LIMITS[precision];
        }

        private static final long[] LIMITS = new long[19];

        static {
            LIMITS[0] = 1;
            for (int i = 1; i < LIMITS.length; i++) LIMITS[i] = LIMITS[i - 1] * 10;
        }
    }
}
