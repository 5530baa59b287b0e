package io.flowcore.examples.taxi.data;

import io.flowcore.data.Column;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DuckDB through its JDBC driver: the independent reader the tests check every written file with. */
final class DuckDb {
    private DuckDb() {
    }

    /** The rows of {@code sql}, each as a list of column values. */
    static List<List<Object>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
                rows.add(row);
            }
            return rows;
        }
    }

    /** The single value of {@code sql}. */
    static Object scalar(String sql) throws SQLException {
        return query(sql).getFirst().getFirst();
    }

    /** Column name → DuckDB type name of a Parquet file, in file order. */
    static Map<String, String> parquetTypes(Path file) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (List<Object> row : query("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            types.put((String) row.get(0), (String) row.get(1));
        }
        return types;
    }

    /** The row count of a Parquet file. */
    static long parquetRows(Path file) throws SQLException {
        return ((Number) scalar("SELECT count(*) FROM read_parquet('" + file + "')")).longValue();
    }
}
