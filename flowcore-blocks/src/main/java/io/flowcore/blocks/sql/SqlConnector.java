package io.flowcore.blocks.sql;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.DatabaseBlock;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.Secret;
import io.flowcore.api.block.ShrinkGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A SQL database reached with JDBC (the analog of Prefect's {@code SqlAlchemyConnector}): either a
 * JDBC {@code url}, or a {@code driver} ({@code postgresql} by default), {@code host}, {@code port} and
 * {@code database}. Connections come from a HikariCP pool, one per block value, created on first use
 * and released by {@link #close()}.
 * <pre>{@code
 * blocks.save("postgres-connector", SqlConnector.postgres("localhost", 5432, "ny_taxi", "root", Secret.of("root")));
 * try (SqlConnector db = blocks.load("postgres-connector", SqlConnector.class)) {
 *     db.load("yellow_taxi_trips", columns, rows, IfExists.APPEND);
 * }
 * }</pre>
 *
 * <p>A password written into {@code url} ({@code ?password=…} in any case, {@code ;password=…}, or
 * {@code //user:password@host}) is moved into {@code password} when the block is built, so it is kept
 * encrypted like any secret and never appears in the URL, in {@code toString()}, in logs or in errors.
 *
 * @param url      a full JDBC URL, or null to build one from the other fields
 * @param driver   the JDBC subprotocol when {@code url} is null, e.g. {@code postgresql} (the default)
 * @param host     the database host when {@code url} is null
 * @param port     the port, or null for the driver's default
 * @param database the database name when {@code url} is null
 * @param user     the user, or null
 * @param password the password (secret), or null
 * @param poolSize the maximum pool size, or null for 4
 * @param connectTimeoutSeconds how long to wait for a connection, or null for 30
 */
@BlockType(description = "A SQL database reached with JDBC, pooled with HikariCP; bulk loads through COPY on PostgreSQL")
public record SqlConnector(String url, String driver, String host, Integer port, String database, String user,
                           Secret password, Integer poolSize,
                           Integer connectTimeoutSeconds) implements DatabaseBlock {

    public SqlConnector {
        if (url == null) {
            if (host == null || database == null) {
                throw new BlockException("sql-connector needs either 'url' or 'host' and 'database'");
            }
            if (driver == null) driver = "postgresql";
            if (!driver.matches("[a-z0-9]+")) throw new BlockException("sql-connector: invalid driver '" + driver + "'");
        } else if (!url.startsWith("jdbc:")) {
            throw new BlockException("sql-connector: 'url' must be a JDBC URL starting with jdbc:");
        } else if (host != null || database != null) {
            throw new BlockException("sql-connector: give either 'url' or 'host'/'database', not both");
        } else {
            UrlCredentials inUrl = UrlCredentials.of(url);
            if (inUrl.password() != null) {
                if (password != null && !password.equals(Secret.of(inUrl.password()))) {
                    throw new BlockException("sql-connector: the url carries a password and 'password' is set to another"
                            + " value: give the password once, in 'password'");
                }
                password = Secret.of(inUrl.password());
            }
            if (inUrl.user() != null) {
                if (user != null && !user.equals(inUrl.user())) {
                    throw new BlockException("sql-connector: the url names user '" + inUrl.user() + "' and 'user' is '"
                            + user + "': give the user once");
                }
                user = inUrl.user();
            }
            url = inUrl.url();
        }
    }

    /** A connector for a JDBC URL. */
    public static SqlConnector ofUrl(String jdbcUrl, String user, Secret password) {
        return new SqlConnector(jdbcUrl, null, null, null, null, user, password, null, null);
    }

    /** A connector for a PostgreSQL database. */
    public static SqlConnector postgres(String host, int port, String database, String user, Secret password) {
        return new SqlConnector(null, "postgresql", host, port, database, user, password, null, null);
    }

    /** The JDBC URL this block connects to. */
    public String jdbcUrl() {
        if (url != null) return url;
        return "jdbc:" + driver + "://" + host + (port != null ? ":" + port : "") + "/" + database;
    }

    /** A connection from this block's pool; close it to return it. */
    public Connection connection() {
        try {
            return Pools.of(this).getConnection();
        } catch (SQLException e) {
            throw new BlockException("sql-connector: cannot connect to " + redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int execute(String sql, Object... params) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new BlockException("sql-connector (" + redactedUrl() + "): statement failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return DatabaseBlock.rows(rs);
            }
        } catch (SQLException e) {
            throw new BlockException("sql-connector (" + redactedUrl() + "): query failed: " + e.getMessage(), e);
        }
    }

    /**
     * Streams rows into {@code table} in one transaction: through {@code COPY} on PostgreSQL, batched
     * inserts elsewhere. The table is created from {@code columns} when it is missing (or replaced).
     * When anything fails, nothing is written.
     *
     * @param rows each row's values in {@code columns} order
     * @return the number of rows loaded
     * @throws BlockException when the table name is invalid, the table exists and {@code ifExists} is
     *                        FAIL, a row has the wrong width, or the database refuses the data
     */
    public long load(String table, List<Column> columns, Stream<? extends List<?>> rows, IfExists ifExists) {
        return new BulkLoader(this, table, columns).load(rows, ifExists, null, null, null);
    }

    /**
     * Replaces one partition of {@code table} idempotently: in one transaction, deletes the rows whose
     * {@code partitionColumn} equals {@code partitionValue} and loads {@code rows}, each of which must
     * have that value. Loading the same partition twice leaves one copy, also when two loads of it
     * overlap (on PostgreSQL they take turns on an advisory lock); a failed load leaves the previous
     * rows. The table is created when it is missing.
     *
     * <p>A load that would shrink the partition is refused by the default {@link ShrinkGuard}: no rows,
     * or fewer than half of the rows it holds, throws {@link PartitionShrinkException} and the old rows
     * stay. Pass a guard to change that.
     *
     * @return the number of rows loaded
     */
    public long replacePartition(String table, List<Column> columns, Stream<? extends List<?>> rows,
                                 String partitionColumn, Object partitionValue) {
        return replacePartition(table, columns, rows, partitionColumn, partitionValue, ShrinkGuard.defaults());
    }

    /**
     * {@link #replacePartition(String, List, Stream, String, Object)} with {@code guard} deciding which
     * shrinking replacements are refused ({@code ShrinkGuard.defaults().force()} allows all).
     *
     * @throws PartitionShrinkException when {@code guard} refuses the new row count; nothing was written
     */
    public long replacePartition(String table, List<Column> columns, Stream<? extends List<?>> rows,
                                 String partitionColumn, Object partitionValue, ShrinkGuard guard) {
        java.util.Objects.requireNonNull(guard, "guard");
        return new BulkLoader(this, table, columns).load(rows, IfExists.APPEND, partitionColumn, partitionValue, guard);
    }

    /** Closes this block's pool (a later call opens a new one). */
    @Override
    public void close() {
        Pools.close(this);
    }

    String redactedUrl() {
        return jdbcUrl().replaceAll("(?i)(password=)[^&;]*", "$1********");
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; params != null && i < params.length; i++) ps.setObject(i + 1, params[i]);
    }
}
