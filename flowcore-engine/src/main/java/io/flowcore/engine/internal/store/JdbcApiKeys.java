package io.flowcore.engine.internal.store;

import io.flowcore.api.spi.ApiKeyStore.ApiKey;
import io.flowcore.api.spi.ApiKeyStore.Workspace;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The API keys and the workspace registry of flowcore server, on SQLite or PostgreSQL; each call is its own transaction. */
final class JdbcApiKeys {
    private static final String COLS = "id, role, salt, hash, created_at, revoked_at, workspace";

    private final Dialect dialect;
    private final DataSource pool;

    JdbcApiKeys(Dialect dialect, DataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
    }

    void insert(ApiKey k) {
        boolean inserted = dialect.inPooledTransaction(pool, "create API key " + k.id(), c -> {
            if (find(c, k.id()).isPresent()) return false;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, k.id());
                ps.setString(2, k.role());
                ps.setString(3, k.salt());
                ps.setString(4, k.hash());
                ps.setLong(5, Columns.nanos(k.createdAt()));
                Columns.setInstant(ps, 6, k.revokedAt());
                ps.setString(7, k.workspace());
                ps.executeUpdate();
            }
            return true;
        });
        if (!inserted) throw new IllegalArgumentException("an API key with id " + k.id() + " exists already");
    }

    Optional<ApiKey> find(String id) {
        return dialect.inPooledTransaction(pool, "read API key", c -> find(c, id));
    }

    List<ApiKey> list() {
        return dialect.inPooledTransaction(pool, "list API keys", c -> {
            List<ApiKey> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM api_keys ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(key(rs));
            }
            return out;
        });
    }

    boolean revoke(String id, Instant at) {
        return dialect.inPooledTransaction(pool, "revoke API key " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, Columns.nanos(at));
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    boolean insertWorkspace(Workspace w) {
        return dialect.inPooledTransaction(pool, "create workspace " + w.name(), c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM workspaces WHERE name = ?")) {
                q.setString(1, w.name());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workspaces (name, created_at) VALUES (?, ?)")) {
                ps.setString(1, w.name());
                ps.setLong(2, Columns.nanos(w.createdAt()));
                ps.executeUpdate();
            }
            return true;
        });
    }

    boolean deleteWorkspace(String name, java.time.Instant at) {
        return dialect.inPooledTransaction(pool, "delete workspace " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM workspaces WHERE name = ?")) {
                ps.setString(1, name);
                if (ps.executeUpdate() == 0) return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE workspace = ? AND revoked_at IS NULL")) {
                ps.setLong(1, Columns.nanos(at));
                ps.setString(2, name);
                ps.executeUpdate();
            }
            return true;
        });
    }

    boolean renameWorkspace(String from, String to) {
        return dialect.inPooledTransaction(pool, "rename workspace " + from + " to " + to, c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM workspaces WHERE name = ?")) {
                q.setString(1, to);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) throw new IllegalArgumentException("workspace '" + to + "' exists already");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE workspaces SET name = ? WHERE name = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                if (ps.executeUpdate() == 0) return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET workspace = ? WHERE workspace = ?")) {
                ps.setString(1, to);
                ps.setString(2, from);
                ps.executeUpdate();
            }
            return true;
        });
    }

    List<Workspace> workspaces() {
        return dialect.inPooledTransaction(pool, "list workspaces", c -> {
            List<Workspace> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, created_at FROM workspaces ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Workspace(rs.getString(1), Columns.instant(rs.getLong(2))));
            }
            return out;
        });
    }

    private static Optional<ApiKey> find(java.sql.Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(key(rs)) : Optional.empty();
            }
        }
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("role"), rs.getString("salt"), rs.getString("hash"),
                Columns.instant(rs.getLong("created_at")), Columns.getInstant(rs, "revoked_at"),
                rs.getString("workspace"));
    }

    void insertSession(io.flowcore.api.spi.ApiKeyStore.WebSession session, Instant now) {
        dialect.inPooledTransaction(pool, "store a dashboard session", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM server_sessions WHERE expires_at < ?")) {
                del.setLong(1, Columns.nanos(now));
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO server_sessions (id_hash, key_id, csrf, expires_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, session.idHash());
                ps.setString(2, session.keyId());
                ps.setString(3, session.csrf());
                ps.setLong(4, Columns.nanos(session.expiresAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<io.flowcore.api.spi.ApiKeyStore.WebSession> session(String idHash) {
        return dialect.inPooledTransaction(pool, "read a dashboard session", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key_id, csrf, expires_at FROM server_sessions WHERE id_hash = ?")) {
                ps.setString(1, idHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new io.flowcore.api.spi.ApiKeyStore.WebSession(idHash, rs.getString(1),
                            rs.getString(2), Columns.instant(rs.getLong(3)))) : Optional.empty();
                }
            }
        });
    }

    void deleteSession(String idHash) {
        dialect.inPooledTransaction(pool, "end a dashboard session", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM server_sessions WHERE id_hash = ?")) {
                ps.setString(1, idHash);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
