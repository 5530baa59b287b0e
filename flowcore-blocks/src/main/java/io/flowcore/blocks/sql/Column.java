package io.flowcore.blocks.sql;

import io.flowcore.api.block.BlockException;
import io.flowcore.data.postgres.SqlIdentifiers;

/**
 * A column of a table that {@link SqlConnector#load} writes: its name and SQL type (used when the
 * table is created).
 *
 * @param name    letters, digits and {@code _}
 * @param sqlType e.g. {@code BIGINT}, {@code TEXT}, {@code TIMESTAMP}, {@code NUMERIC(10, 2)}
 */
public record Column(String name, String sqlType) {
    public Column {
        try {
            SqlIdentifiers.quote(name, "column name");
            SqlIdentifiers.checkType(sqlType, name);
        } catch (IllegalArgumentException e) {
            throw new BlockException(e.getMessage(), e);
        }
    }

    /** Shorthand for {@code new Column(name, sqlType)}. */
    public static Column of(String name, String sqlType) {
        return new Column(name, sqlType);
    }
}
