package io.flowcore.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Where a workspace other than "default" keeps its store: a store of its own beside the default one, so that
 * no engine table needs a workspace column and no query can leak across workspaces. On PostgreSQL it is a
 * schema in the same database, named after the default store's schema (so two installations sharing one
 * database do not share workspaces); else a folder under the home. The server creates it (Flowcore.workspace);
 * an engine or worker that names a workspace that was never created fails instead of making an empty one.
 */
final class WorkspaceStores {
    private static final Pattern CURRENT_SCHEMA = Pattern.compile("([?&])currentSchema=([^&]*)");
    private static final int MAX_IDENTIFIER = 63; // PostgreSQL cuts longer names, which could make two names one

    private WorkspaceStores() {
    }

    /** The schema of {@code workspace} next to the store at {@code url}. */
    static String schema(String url, String workspace) {
        Matcher m = CURRENT_SCHEMA.matcher(url);
        String base = m.find() && !m.group(2).isBlank() ? m.group(2).split(",")[0] : "flowcore";
        String schema = base + "_ws_" + workspace.replace('-', '_');
        if (schema.length() > MAX_IDENTIFIER) {
            throw new IllegalArgumentException("workspace '" + workspace + "' would be the PostgreSQL schema " + schema
                    + ", longer than " + MAX_IDENTIFIER + " characters: choose a shorter workspace name");
        }
        return schema;
    }

    /** {@code url} with {@code schema} as its current schema. */
    static String withSchema(String url, String schema) {
        Matcher m = CURRENT_SCHEMA.matcher(url);
        if (m.find()) return m.replaceFirst(Matcher.quoteReplacement(m.group(1) + "currentSchema=" + schema));
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Creates the workspace's schema or folder when {@code create}; else fails when it is missing. */
    static void prepare(FlowcoreConfig cfg, Path home, boolean create) {
        String ws = cfg.workspaceName();
        String missing = "there is no workspace '" + ws + "' in this store: create it with "
                + "'flowcore server workspace create " + ws + "'";
        if (cfg.databaseUrl() == null) {
            Path folder = cfg.workspaceHome(home);
            if (!create) {
                if (!Files.isDirectory(folder)) throw new IllegalStateException(missing + " (no folder " + folder + ")");
                return;
            }
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the folder of workspace '" + ws + "': " + folder, e);
            }
            return;
        }
        String schema = schema(cfg.databaseUrl(), ws);
        try (Connection c = DriverManager.getConnection(cfg.databaseUrl(), cfg.databaseUser(), cfg.databasePassword())) {
            if (create) {
                // the name is checked ([a-z][a-z0-9_]) and the base comes from the operator's own URL
                c.createStatement().execute("CREATE SCHEMA IF NOT EXISTS \"" + schema.replace("\"", "") + "\"");
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new IllegalStateException(missing + " (no schema " + schema + ")");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the schema " + schema + " of workspace '" + ws + "': "
                    + e.getMessage(), e);
        }
    }

    /** Drops the workspace's schema (on PostgreSQL) and deletes its folder, with its blocks key file. */
    static void drop(FlowcoreConfig ws) {
        String name = ws.workspaceName();
        if (ws.databaseUrl() != null) {
            String schema = schema(ws.databaseUrl(), name);
            execute(ws, "DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE", "drop the schema " + schema); // checked name
        }
        Path folder = folder(ws);
        if (!Files.exists(folder)) return;
        try (var files = Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the folder of workspace '" + name + "': " + folder, e);
        }
    }

    /** Renames the workspace's schema and folder to those of {@code to}; undoes the schema's when the folder's fails. */
    static void rename(FlowcoreConfig from, FlowcoreConfig to) {
        Path source = folder(from);
        Path target = folder(to);
        if (Files.exists(target)) {
            throw new IllegalStateException("workspace '" + to.workspaceName() + "' has a folder already: " + target);
        }
        String fromSchema = from.databaseUrl() == null ? null : schema(from.databaseUrl(), from.workspaceName());
        String toSchema = from.databaseUrl() == null ? null : schema(from.databaseUrl(), to.workspaceName());
        if (fromSchema != null) renameSchema(from, fromSchema, toSchema);
        try {
            if (Files.exists(source)) Files.move(source, target);
        } catch (IOException e) {
            if (fromSchema != null) renameSchema(from, toSchema, fromSchema); // the schema goes back
            throw new UncheckedIOException("cannot move the folder of workspace '" + from.workspaceName() + "' to " + target, e);
        }
    }

    private static void renameSchema(FlowcoreConfig cfg, String from, String to) {
        execute(cfg, "ALTER SCHEMA \"" + from + "\" RENAME TO \"" + to + "\"", "rename the schema " + from + " to " + to);
    }

    /** One statement on a connection of its own; {@code what} completes "cannot …" when it fails. */
    private static void execute(FlowcoreConfig cfg, String sql, String what) {
        try (Connection c = DriverManager.getConnection(cfg.databaseUrl(), cfg.databaseUser(), cfg.databasePassword())) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + " of workspace '" + cfg.workspaceName() + "': "
                    + e.getMessage(), e);
        }
    }

    private static Path folder(FlowcoreConfig ws) {
        return ws.workspaceHome(ws.home() != null ? ws.home() : FlowcoreHome.resolve());
    }
}
