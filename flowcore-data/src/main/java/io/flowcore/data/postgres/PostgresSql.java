package io.flowcore.data.postgres;

import io.flowcore.data.Column;
import io.flowcore.data.ColumnType;
import io.flowcore.data.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");
    private static final String SUPPORTED = "bigint, integer, double precision, text, character varying, character,"
            + " timestamp without time zone, date, boolean, numeric(p,s) with p <= 18";

    /**
     * The schema of {@code columns} of an existing {@code table}, typed as the table has them, so a
     * {@link PostgresCopySink} sends each value in the binary form its column expects.
     *
     * @throws IllegalArgumentException naming the table or a column that is not allowed, missing from the
     *                                  table, or of a type binary COPY does not write (listing those it does)
     * @throws SQLException             when the table does not exist or the catalog cannot be read
     */
    public static Schema describe(Connection connection, String table, List<String> columns) throws SQLException {
        String quoted = SqlIdentifiers.quoteQualified(table, "table name");
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT attname, format_type(atttypid, atttypmod)"
                + " FROM pg_attribute WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) types.put(rs.getString(1), rs.getString(2));
            }
        }
        List<Column> out = new ArrayList<>(columns.size());
        for (String name : columns) {
            SqlIdentifiers.quote(name, "column name");
            String type = types.get(name);
            if (type == null) {
                throw new IllegalArgumentException("table " + table + " has no column " + name + " (it has " + types.keySet() + ")");
            }
            out.add(new Column(name, columnType(type, table, name)));
        }
        return new Schema(table, out);
    }

    private static ColumnType columnType(String pgType, String table, String column) {
        if (pgType.startsWith("character varying") || pgType.startsWith("character(") || pgType.equals("character")) {
            return ColumnType.TEXT;
        }
        Matcher m = NUMERIC.matcher(pgType);
        if (m.matches() && Integer.parseInt(m.group(1)) <= 18) {
            return ColumnType.decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        return switch (pgType) {
            case "bigint" -> ColumnType.INT64;
            case "integer" -> ColumnType.INT32;
            case "double precision" -> ColumnType.DOUBLE;
            case "text" -> ColumnType.TEXT;
            case "timestamp without time zone" -> ColumnType.TIMESTAMP;
            case "date" -> ColumnType.DATE;
            case "boolean" -> ColumnType.BOOLEAN;
            default -> throw new IllegalArgumentException("column " + column + " of table " + table + " is " + pgType
                    + ", which binary COPY does not write; supported: " + SUPPORTED);
        };
    }
}
