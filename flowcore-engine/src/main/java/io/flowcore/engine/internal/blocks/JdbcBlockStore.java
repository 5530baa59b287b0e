package io.flowcore.engine.internal.blocks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/*
 * Blocks in a table of their own, on SQLite (WAL, busy_timeout) or PostgreSQL:
 *   blocks(name PRIMARY KEY, type_slug, document, created_at, updated_at)
 * created if missing. Both databases support INSERT ... ON CONFLICT, which makes "save unless it
 * exists" and "save or replace" single statements.
 * TODO: move this table onto the run store's migrations (io.flowcore.engine.internal.store) once it has them.
 */
final class JdbcBlockStore implements BlockStore {
    private final HikariDataSource pool;
    private final String where;

    JdbcBlockStore(String jdbcUrl, String user, String password) {
        // Named in errors: without user info or a password parameter (any case).
        this.where = jdbcUrl.replaceAll("//[^/@]*@", "//").replaceAll("(?i)([?&;]password=)[^&;#]*", "$1********");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setPoolName("flowcore-blocks");
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(0);
        boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
        if (sqlite) hc.setConnectionInitSql("PRAGMA busy_timeout = 10000");
        try {
            this.pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new BlockException("cannot open the block store at " + where + ": " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            if (sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA journal_mode = WAL");
                }
            }
            io.flowcore.engine.internal.store.StoreFactory.migrate(c); // the blocks table is migration V2
        } catch (SQLException e) {
            pool.close();
            throw new BlockException("cannot create the blocks table at " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean save(Document d, boolean overwrite) {
        String now = Instant.now().toString();
        String sql = "INSERT INTO blocks (name, type_slug, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                + (overwrite
                    ? "ON CONFLICT (name) DO UPDATE SET type_slug = excluded.type_slug, document = excluded.document, "
                      + "updated_at = excluded.updated_at"
                    : "ON CONFLICT (name) DO NOTHING");
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, d.name());
            ps.setString(2, d.typeSlug());
            ps.setString(3, d.json());
            ps.setString(4, now);
            ps.setString(5, now);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failed("save block '" + d.name() + "'", e);
        }
    }

    @Override
    public Optional<Document> find(String name) {
        List<Document> found = query("SELECT name, type_slug, document FROM blocks WHERE name = ?", name);
        return found.stream().findFirst();
    }

    @Override
    public List<Document> list(String typeSlug) {
        return typeSlug == null
                ? query("SELECT name, type_slug, document FROM blocks ORDER BY name")
                : query("SELECT name, type_slug, document FROM blocks WHERE type_slug = ? ORDER BY name", typeSlug);
    }

    @Override
    public boolean delete(String name) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM blocks WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("delete block '" + name + "'", e);
        }
    }

    private List<Document> query(String sql, String... args) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
            List<Document> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Document(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return out;
        } catch (SQLException e) {
            throw failed("read blocks", e);
        }
    }

    private BlockException failed(String what, SQLException e) {
        return new BlockException("cannot " + what + " in the block store at " + where + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
