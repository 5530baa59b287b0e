package io.flowcore.blocks.local;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.DatabaseBlock;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.WarehouseBlock;
import io.flowcore.api.block.WriteMode;
import io.flowcore.data.postgres.SqlIdentifiers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * An embedded warehouse: a DuckDB database file, loading Parquet natively with {@code read_parquet}.
 * Each load runs in one transaction, so a failed load leaves the table as it was. A partition
 * replacement counts the partition's rows first and is refused by its
 * {@link io.flowcore.api.block.ShrinkGuard} when the file has none or far fewer. Only local files are
 * read (no DuckDB extensions are installed).
 *
 * @param databaseFile the DuckDB file (created on first use)
 */
@BlockType(description = "An embedded DuckDB warehouse that loads Parquet natively")
public record DuckDbWarehouse(String databaseFile) implements WarehouseBlock, DatabaseBlock {

    public DuckDbWarehouse {
        if (databaseFile == null || databaseFile.isBlank()) throw new BlockException("duck-db-warehouse needs a 'databaseFile'");
    }

    /** A warehouse in {@code file}. */
    public static DuckDbWarehouse at(Path file) {
        return new DuckDbWarehouse(file.toAbsolutePath().toString());
    }

    private Connection connect() throws SQLException {
        try {
            Path f = Path.of(databaseFile).toAbsolutePath();
            Files.createDirectories(f.getParent());
        } catch (java.io.IOException e) {
            throw new BlockException("duck-db-warehouse: cannot create the folder of " + databaseFile + ": " + e.getMessage(), e);
        }
        return DriverManager.getConnection("jdbc:duckdb:" + Path.of(databaseFile).toAbsolutePath());
    }

    @Override
    public long load(Path parquet, String table, WriteMode mode) {
        if (!Files.isRegularFile(parquet)) throw new BlockException("duck-db-warehouse: no Parquet file " + parquet);
        return loadFrom(parquet.toAbsolutePath().toString(), table, mode);
    }

    @Override
    public long load(URI parquet, String table, WriteMode mode) {
        if (!"file".equals(parquet.getScheme())) {
            throw new BlockException("duck-db-warehouse loads local files only (file: URIs), not " + parquet.getScheme()
                    + ": download the file first (e.g. with an object-storage block)");
        }
        return loadFrom(Path.of(parquet).toString(), table, mode);
    }

    private long loadFrom(String path, String table, WriteMode mode) {
        String t, partitionColumn;
        try { // names checked before anything runs
            t = SqlIdentifiers.quoteQualified(table, "table name");
            partitionColumn = mode instanceof WriteMode.ReplacePartition p ? SqlIdentifiers.quote(p.column(), "partition column") : null;
        } catch (IllegalArgumentException e) {
            throw new BlockException(e.getMessage(), e);
        }
        String src = "read_parquet('" + path.replace("'", "''") + "')";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("CREATE TABLE IF NOT EXISTS " + t + " AS SELECT * FROM " + src + " LIMIT 0");
                long rows = count(s, "SELECT count(*) FROM " + src);
                switch (mode) {
                    case WriteMode.Append a -> { }
                    case WriteMode.Truncate tr -> s.execute("DELETE FROM " + t);
                    case WriteMode.ReplacePartition p -> {
                        String col = partitionColumn;
                        String fmt = p.monthly() ? "%Y%m" : "%Y%m%d";
                        String inPart = "strftime(CAST(" + col + " AS TIMESTAMP), '" + fmt + "')";
                        long outside = count(s, "SELECT count(*) FROM " + src + " WHERE " + inPart + " IS DISTINCT FROM '"
                                + p.partition() + "'");
                        if (outside > 0) {
                            throw new BlockException(outside + " of " + rows + " rows have " + p.column()
                                    + " outside partition " + p.partition());
                        }
                        String where = " WHERE " + inPart + " = '" + p.partition() + "'";
                        long old = count(s, "SELECT count(*) FROM " + t + where);
                        p.guard().check("table '" + table + "' in duck-db-warehouse " + databaseFile, p.partition(), old, rows);
                        s.execute("DELETE FROM " + t + where);
                    }
                }
                s.execute("INSERT INTO " + t + " BY NAME SELECT * FROM " + src);
                c.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (PartitionShrinkException e) {
            throw e;    // names the table and partition and says the old rows are kept
        } catch (SQLException | BlockException e) {
            throw new BlockException("duck-db-warehouse " + databaseFile + ": load into '" + table
                    + "' failed, the table is unchanged: " + e.getMessage(), e);
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public int execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            ps.execute();
            return Math.max(ps.getUpdateCount(), 0);
        } catch (SQLException e) {
            throw new BlockException("duck-db-warehouse " + databaseFile + ": statement failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return DatabaseBlock.rows(rs);
            }
        } catch (SQLException e) {
            throw new BlockException("duck-db-warehouse " + databaseFile + ": query failed: " + e.getMessage(), e);
        }
    }

    /** Nothing to release: each call opens and closes its own connection. */
    @Override
    public void close() {
    }
}
