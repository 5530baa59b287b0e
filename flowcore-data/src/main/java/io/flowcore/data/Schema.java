package io.flowcore.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * An ordered set of typed columns: either the target schema that a conversion writes, or the schema
 * found in one source file (which may have drifted from it). Column names are matched ignoring case.
 *
 * @param name    the schema's name (the Parquet message name), e.g. {@code yellow_tripdata}
 * @param columns the columns, in file order
 */
public record Schema(String name, List<Column> columns) {

    /** @throws IllegalArgumentException when the name is blank or two columns share a name (ignoring case) */
    public Schema {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("schema name must not be blank");
        columns = List.copyOf(columns);
        for (int i = 0; i < columns.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (columns.get(i).name().equalsIgnoreCase(columns.get(j).name())) {
                    throw new IllegalArgumentException("duplicate column " + columns.get(i).name() + " in schema " + name);
                }
            }
        }
    }

    /** A schema named {@code name} with {@code columns}. */
    public static Schema of(String name, Column... columns) {
        return new Schema(name, List.of(columns));
    }

    /** The number of columns. */
    public int size() {
        return columns.size();
    }

    /** The column at {@code index}. */
    public Column column(int index) {
        return columns.get(index);
    }

    /** The index of the column named {@code name} (ignoring case), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) return i;
        }
        return -1;
    }

    /** The index of the column named {@code name}; throws naming the schema's columns when there is none. */
    public int require(String name) {
        int i = indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column " + name + " in " + this);
        return i;
    }

    /** A copy with the column {@code name} retyped to {@code type} (e.g. to write a drifted file). */
    public Schema withType(String name, ColumnType type) {
        List<Column> copy = new ArrayList<>(columns);
        int i = require(name);
        copy.set(i, new Column(copy.get(i).name(), type));
        return new Schema(this.name, copy);
    }

    /** A copy without the column {@code name} (e.g. to write a drifted file). */
    public Schema without(String name) {
        List<Column> copy = new ArrayList<>(columns);
        copy.remove(require(name));
        return new Schema(this.name, copy);
    }

    /** The Parquet message type, every column optional. */
    public MessageType parquetSchema() {
        List<Type> fields = new ArrayList<>(columns.size());
        for (Column c : columns) fields.add(c.type().parquetField(c.name()));
        return new MessageType(name, fields);
    }

    @Override
    public String toString() {
        return name + columns;
    }
}
