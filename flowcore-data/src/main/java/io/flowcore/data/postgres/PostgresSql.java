package io.flowcore.data.postgres;

import io.flowcore.data.Column;
import io.flowcore.data.Schema;
import java.util.StringJoiner;

/** The SQL text for a table of a {@link Schema}, every identifier validated and quoted by {@link SqlIdentifiers}. */
public final class PostgresSql {
    private PostgresSql() {
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS "table" ("col" type, ...)} with the PostgreSQL types.
     *
     * @throws IllegalArgumentException naming the table or column whose name is not allowed
     */
    public static String createTableIfNotExists(String table, Schema schema) {
        StringJoiner cols = new StringJoiner(", ", "CREATE TABLE IF NOT EXISTS " + SqlIdentifiers.quoteQualified(table, "table name") + " (", ")");
        for (Column c : schema.columns()) cols.add(SqlIdentifiers.quote(c.name(), "column name") + " " + c.type().postgresType());
        return cols.toString();
    }

    /**
     * The quoted column list {@code ("VendorID", ...)} for COPY and INSERT statements.
     *
     * @throws IllegalArgumentException naming the column whose name is not allowed
     */
    public static String columnList(Schema schema) {
        StringJoiner cols = new StringJoiner(", ", "(", ")");
        for (Column c : schema.columns()) cols.add(SqlIdentifiers.quote(c.name(), "column name"));
        return cols.toString();
    }
}
