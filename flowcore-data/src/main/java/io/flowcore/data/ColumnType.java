package io.flowcore.data;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The type of one trip-record column, with its Parquet and PostgreSQL mappings.
 *
 * <p>Canonical schemas use {@link Int64}, {@link Float64}, {@link Timestamp} and {@link Text};
 * {@link Int32} appears only in source files (e.g. an all-null {@code airport_fee} typed INT32).
 * Timestamps are local wall-clock times (the TLC files carry no zone): Parquet
 * {@code TIMESTAMP(MICROS, isAdjustedToUTC=false)}, PostgreSQL {@code timestamp}, held in memory as
 * microseconds since 1970-01-01T00:00 local.
 */
public sealed interface ColumnType permits ColumnType.Int32, ColumnType.Int64, ColumnType.Float64,
        ColumnType.Timestamp, ColumnType.Text {

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

    /** How a {@link RowBatch} holds values of this type. */
    enum Storage { LONG, DOUBLE, TEXT }

    /** The name used in logs and error messages: {@code INT32}, {@code INT64}, {@code DOUBLE}, {@code TIMESTAMP}, {@code TEXT}. */
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
}
