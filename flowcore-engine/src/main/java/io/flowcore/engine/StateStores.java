package io.flowcore.engine;

import io.flowcore.api.spi.StateStore;
import io.flowcore.engine.internal.store.StoreFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens the stores that keep runs, task runs, logs, deployments, queues and schedules, for
 * {@link FlowcoreConfig#store(StateStore)}. Most users need none of this: {@code FlowcoreConfig.home(...)} opens
 * the SQLite store in the home folder and {@code FlowcoreConfig.database(...)} a PostgreSQL one. Tests use
 * {@link #inMemory()} (or the {@code flowcore-testing} extension).
 */
public final class StateStores {
    private StateStores() {
    }

    /**
     * How a database store copes with a database that does not answer.
     *
     * @param retryWindow   how long a caller waits for a database that is failing (a flush, a query's read of its
     *                      own writes, a full backlog, close) before it gets an error; the writer itself keeps
     *                      retrying — its writes are safe in the journal
     * @param socketTimeout PostgreSQL: the longest a single network read may block (a half-open connection
     *                      otherwise blocks forever); also bounds connecting. At least 1 s.
     */
    public record Options(Duration retryWindow, Duration socketTimeout) {
        public Options {
            internal(retryWindow, socketTimeout); // checks both
        }

        /** 60 s of retries before callers give up; 60 s for one network read. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(60), Duration.ofSeconds(60));
        }

        private static StoreFactory.Options internal(Duration retryWindow, Duration socketTimeout) {
            return new StoreFactory.Options(retryWindow, socketTimeout);
        }

        StoreFactory.Options internal() {
            return internal(retryWindow, socketTimeout);
        }
    }

    /** A store in this process's memory: nothing survives the process. */
    public static StateStore inMemory() {
        return StoreFactory.inMemory();
    }

    /**
     * A store in a SQLite database file, created (with its folder) if missing. Writes are group-committed by a
     * background thread; before a write returns it is appended to a journal in the folder {@code <dbFile>.journal},
     * so it survives a crash of this process (kill -9), though not a power loss. Several processes may open the
     * same file at once.
     *
     * @throws java.io.UncheckedIOException when the folders cannot be created
     * @throws RuntimeException             when the database cannot be opened or migrated; the message names it
     */
    public static StateStore sqlite(Path dbFile) {
        return sqlite(dbFile, Options.defaults());
    }

    /** {@link #sqlite(Path)} with its own {@link Options}. */
    public static StateStore sqlite(Path dbFile, Options options) {
        return StoreFactory.sqlite(dbFile, options.internal());
    }

    /**
     * A store in a PostgreSQL database, through a small connection pool. Writes are group-committed by a
     * background thread; before a write returns it is appended to a journal file in {@code journalDir} (e.g. the
     * engine's home folder), so it survives a crash of this process (kill -9), though not a power loss.
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
        return StoreFactory.jdbc(jdbcUrl, user, password, journalDir, options.internal());
    }
}
