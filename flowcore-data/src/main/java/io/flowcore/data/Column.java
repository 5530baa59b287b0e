package io.flowcore.data;

import java.util.Objects;

/**
 * One named, typed, nullable column of a {@link Schema}.
 *
 * @param name the column name as written in files and tables (case matters for output, not for matching)
 * @param type its type
 */
public record Column(String name, ColumnType type) {
    /** @throws NullPointerException when name or type is null; IllegalArgumentException when name is blank */
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type of column " + name);
        if (name.isBlank()) throw new IllegalArgumentException("column name must not be blank");
    }

    @Override
    public String toString() {
        return name + " " + type.displayName();
    }
}
