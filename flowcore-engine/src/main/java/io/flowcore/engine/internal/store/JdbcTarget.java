package io.flowcore.engine.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer's database connection, opened again after a connection error. */
final class JdbcTarget implements OpTarget {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTarget.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final Dialect dialect;
    private final GroupCommitWriter.Connector connector;
    private final OpApplier applier;
    private Connection connection;

    /** @param connection the writer's connection, prepared and migrated (owned from now on) */
    JdbcTarget(Dialect dialect, Connection connection, GroupCommitWriter.Connector connector) {
        this.dialect = dialect;
        this.connection = connection;
        this.connector = connector;
        this.applier = new OpApplier(dialect);
    }

    @Override
    public String name() {
        return dialect.storeName;
    }

    @Override
    public void apply(List<StoreOp> ops, OpApplier.Outcome out) throws SQLException {
        try {
            if (connection == null) {
                connection = connector.open();
                dialect.prepareWriter(connection);
            }
            OpApplier.Outcome first = new OpApplier.Outcome();
            try {
                dialect.inTransaction(connection, tx -> {
                    applier.write(tx, ops, first, true);
                    return null;
                });
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
                // A COPY met a row that is there already (a journal replayed, a commit whose answer was lost):
                // the same batch again with the idempotent statements.
                GroupCommitWriter.applyInTransaction(dialect, applier, connection, ops, false, out);
                return;
            }
            out.add(first);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) {
            // A driver on a broken connection (pgjdbc asserts when its socket died under it): drop the
            // connection and try again, as for a connection error; never let the writer thread die.
            throw new SQLException("the driver failed: " + e, "08000", e);
        }
    }

    @Override
    public boolean isTransient(Exception e) {
        if (!(e instanceof SQLException sql)) return false;
        if (connectionBroken(sql)) {
            close();
            return true;
        }
        return dialect.isTransient(sql);
    }

    /**
     * Whether the connection is gone, whatever the error says: a connection error (08xxx), a server that
     * shut down or restarted (57P01–57P03: "terminating connection due to administrator command"), or a
     * connection the pool already closed (pgjdbc then throws "This connection has been closed" with no
     * SQLSTATE). A new connection fixes these; blaming an op for them would quarantine every later write.
     */
    private boolean connectionBroken(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) return true;
        try {
            return connection == null || connection.isClosed();
        } catch (SQLException closed) {
            return true;
        }
    }

    @Override
    public void close() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the writer connection failed", e);
        }
        connection = null;
    }
}
