package io.flowcore.api.block;

import java.util.List;
import java.util.Map;

/** A block for a SQL database: run statements and queries with bound parameters. */
public interface DatabaseBlock extends Block, AutoCloseable {

    /**
     * Runs one statement with {@code params} bound to its {@code ?} placeholders.
     *
     * @return the update count (0 for DDL)
     */
    int execute(String sql, Object... params);

    /** Runs a query and returns every row, each as column label → value in column order. */
    List<Map<String, Object>> query(String sql, Object... params);

    /** Every row of {@code rs}, each as column label → value in column order: the shape {@link #query} returns. */
    static List<Map<String, Object>> rows(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), rs.getObject(i));
            rows.add(row);
        }
        return rows;
    }

    /** Releases the block's connections; it reconnects on next use. */
    @Override
    void close();
}
