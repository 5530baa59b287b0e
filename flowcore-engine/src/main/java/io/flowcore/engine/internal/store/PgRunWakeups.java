package io.flowcore.engine.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * PostgreSQL LISTEN/NOTIFY for workers: a transaction that queues a run for a worker also runs
 * pg_notify(CHANNEL, queue), which PostgreSQL delivers at commit; this listener then wakes the workers of this
 * process at once instead of at their next poll. Polling stays the fallback: a notification lost while the
 * connection was down costs one poll interval, and after a reconnect the listeners are woken once anyway.
 * One connection of the pool is held while anyone listens (the pool has room for it).
 */
final class PgRunWakeups implements AutoCloseable {
    static final String CHANNEL = "flowcore_runs";
    private static final Logger LOG = LoggerFactory.getLogger(PgRunWakeups.class);
    private final DataSource pool;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private Thread thread;

    PgRunWakeups(DataSource pool) {
        this.pool = pool;
    }

    /** Calls {@code listener} (on the listening thread) when a run was queued; closing the result stops that. */
    synchronized AutoCloseable add(Runnable listener) {
        listeners.add(listener);
        if (thread == null && !closed) thread = Thread.ofPlatform().daemon(true).name("flowcore-listen").start(this::listen);
        return () -> listeners.remove(listener);
    }

    private void listen() {
        while (!closed) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                wake(); // runs queued while this was not listening
                while (!closed) {
                    PGNotification[] n = pg.getNotifications(500);
                    if (n != null && n.length > 0) wake();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                LOG.debug("listening for queued runs failed, workers poll until it is back: {}", e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void wake() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("a queued-run listener failed", e);
            }
        }
    }

    /** Stops listening within half a second (the wait for notifications is bounded). */
    @Override
    public void close() {
        closed = true;
    }
}
