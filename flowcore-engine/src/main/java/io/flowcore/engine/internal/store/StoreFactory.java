package io.flowcore.engine.internal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowcore.api.spi.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens state stores (internal: users open them through io.flowcore.engine.StateStores or FlowcoreConfig). */
public final class StoreFactory {
    private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 30_000;
    private static final int READ_POOL_SIZE = 4;

    private StoreFactory() {
    }

    /**
     * How a database store copes with a database that does not answer.
     *
     * @param retryWindow   how long a caller waits for a database that is failing (a flush, a query's
     *                      read of its own writes, a full backlog, close) before it gets an error; the
     *                      writer itself keeps retrying — its writes are safe in the journal
     * @param socketTimeout PostgreSQL: the longest a single network read may block (a half-open
     *                      connection otherwise blocks forever); also bounds connecting
     */
    public record Options(Duration retryWindow, Duration socketTimeout) {
        public Options {
            Objects.requireNonNull(retryWindow, "retryWindow");
            Objects.requireNonNull(socketTimeout, "socketTimeout");
            if (!retryWindow.isPositive()) throw new IllegalArgumentException("retryWindow must be > 0: " + retryWindow);
            if (socketTimeout.toSeconds() < 1) {
                throw new IllegalArgumentException("socketTimeout must be at least 1 s: " + socketTimeout);
            }
        }

        /** 60 s of retries before callers give up; 60 s for one network read. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(60), Duration.ofSeconds(60));
        }
    }

    /** A store in this process's memory: nothing survives the process. */
    public static StateStore inMemory() {
        return new InMemoryStateStore();
    }

    /**
     * A store in a SQLite database file, created (with its folder) if missing. Writes are group-committed
     * by a background thread; before a write returns it is appended to a journal in the folder
     * {@code <dbFile>.journal}, so it survives a crash of this process (kill -9), though not a power loss.
     * Several processes may open the same file at once.
     *
     * @throws UncheckedIOException when the folders cannot be created
     * @throws RuntimeException     when the database cannot be opened or migrated; the message names it
     */
    public static StateStore sqlite(Path dbFile) {
        return sqlite(dbFile, Options.defaults());
    }

    /** {@link #sqlite(Path)} with its own {@link Options}. */
    public static StateStore sqlite(Path dbFile, Options options) {
        return openSqlite(dbFile, options, true);
    }

    /**
     * A store in a PostgreSQL database (the only JDBC database supported so far), through a small
     * HikariCP pool. Writes are group-committed by a background thread; before a write returns it is
     * appended to a journal file in {@code journalDir} (e.g. the engine's home folder), so it survives a
     * crash of this process (kill -9), though not a power loss of this machine.
     *
     * @param jdbcUrl    {@code jdbc:postgresql://host:port/database}, optionally with {@code ?currentSchema=...}
     * @param journalDir a folder of this machine, created if missing
     * @throws IllegalArgumentException when the URL is not a PostgreSQL URL
     * @throws RuntimeException         when the database cannot be reached or migrated; the message names it
     */
    public static StateStore jdbc(String jdbcUrl, String user, String password, Path journalDir) {
        return jdbc(jdbcUrl, user, password, journalDir, Options.defaults());
    }

    /** {@link #jdbc(String, String, String, Path)} with its own {@link Options}. */
    public static StateStore jdbc(String jdbcUrl, String user, String password, Path journalDir, Options options) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(journalDir, "journalDir");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            int query = jdbcUrl.indexOf('?');
            throw new IllegalArgumentException("unsupported state store URL '"
                    + (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query))
                    + "': StateStores.jdbc supports jdbc:postgresql://...; for SQLite use StateStores.sqlite(Path)");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("flowcore-store");
        config.setMaximumPoolSize(READ_POOL_SIZE + 2); // + the writer's connection + a worker's LISTEN connection
        config.setMinimumIdle(1);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // A half-open connection (a peer that vanished, a frozen server) must not block a read forever:
        // bound every read and the connect, and let the kernel probe idle connections.
        long socketSeconds = options.socketTimeout().toSeconds();
        config.addDataSourceProperty("socketTimeout", String.valueOf(socketSeconds));
        config.addDataSourceProperty("connectTimeout", String.valueOf(Math.min(socketSeconds, 10)));
        config.addDataSourceProperty("loginTimeout", String.valueOf(Math.min(socketSeconds, 10)));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        long waitMillis = Math.max(250, Math.min(options.retryWindow().toMillis(), 30_000));
        config.setConnectionTimeout(waitMillis);
        config.setValidationTimeout(Math.max(250, Math.min(waitMillis / 2, 5_000)));
        HikariDataSource pool = new HikariDataSource(config);
        return JdbcStateStore.open(Dialect.POSTGRESQL, pool::getConnection, pool, journalDir, pool,
                options.retryWindow(), true);
    }

    /**
     * A store on a flowcore server, reached over HTTP with an API key of the role worker or admin (the key
     * decides the workspace). Writes are journaled in {@code journalDir} and sent in batches; reads ask the
     * server.
     *
     * @throws IllegalArgumentException when the URL is not http(s)
     * @throws RuntimeException         when the server cannot be reached or refuses the key; the message names it
     */
    public static StateStore remote(io.flowcore.engine.internal.remote.RemoteClient client, Path journalDir,
                                    Options options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(journalDir, "journalDir");
        return RemoteStateStore.open(client, journalDir, options.retryWindow());
    }

    /**
     * Brings the flowcore schema (runs, logs, cache, leases, blocks) of the database behind {@code c} up
     * to date with the versioned migrations; for a component that uses the database without opening a
     * state store (the block store).
     *
     * @throws java.sql.SQLException when a migration fails; nothing of it is applied
     */
    public static void migrate(java.sql.Connection c) throws java.sql.SQLException {
        Dialect dialect = c.getMetaData().getURL().startsWith("jdbc:sqlite:") ? Dialect.SQLITE : Dialect.POSTGRESQL;
        Migrations.migrate(c, dialect);
    }

    /** @param startWriter false only in tests: writes are journaled but never applied */
    static JdbcStateStore openSqlite(Path dbFile, boolean startWriter) {
        return openSqlite(dbFile, Options.defaults(), startWriter);
    }

    static JdbcStateStore openSqlite(Path dbFile, Options options, boolean startWriter) {
        Objects.requireNonNull(dbFile, "dbFile");
        Path db = dbFile.toAbsolutePath();
        try {
            OwnerOnly.createDirectories(db.getParent());
            OwnerOnly.createFile(db); // before SQLite creates it with the umask's mode; -wal and -shm copy its mode
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state store " + db, e);
        }
        // A fresh file opened by several stores at once: switching it to WAL takes an exclusive lock that
        // SQLite refuses at once (SQLITE_BUSY, no busy handler) to all but one. Those try again.
        try {
            return io.flowcore.api.Retry.call(OPEN_BUSY, io.flowcore.api.spi.Sleeper.SYSTEM, StoreFactory::isBusy,
                    (n, d, e) -> { }, attempt -> openSqliteOnce(db, options, startWriter));
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while opening the state store " + db, e);
        } catch (Exception e) {
            throw new StoreException("cannot open the state store " + db + ": " + e.getMessage(), e);
        }
    }

    /** Opening a fresh file that other stores are switching to WAL at the same moment: busy, briefly. */
    private static final io.flowcore.api.RetryPolicy OPEN_BUSY =
            io.flowcore.api.RetryPolicy.exponential(19, Duration.ofMillis(10), 1.3, Duration.ofMillis(500)).withJitter(0.3);

    private static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && (sql.getErrorCode() == 5 || String.valueOf(sql.getMessage())
                    .contains("SQLITE_BUSY"))) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("SQLITE_BUSY")) return true;
        }
        return false;
    }

    private static JdbcStateStore openSqliteOnce(Path db, Options options, boolean startWriter) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
        config.setCacheSize(-32_768); // 32 MiB: history and run ids are random keys, so index pages are hit everywhere
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + db);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setPoolName("flowcore-sqlite-readers");
        pool.setMaximumPoolSize(READ_POOL_SIZE);
        pool.setMinimumIdle(1);
        // The pool connects lazily: the writer's connection creates the file and runs the migrations first.
        pool.setInitializationFailTimeout(-1);
        HikariDataSource readers = new HikariDataSource(pool);
        Path journalDir = db.resolveSibling(db.getFileName() + ".journal");
        return JdbcStateStore.open(Dialect.SQLITE, sqlite::getConnection, readers, journalDir, readers,
                options.retryWindow(), startWriter);
    }
}
