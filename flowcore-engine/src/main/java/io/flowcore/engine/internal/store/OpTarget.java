package io.flowcore.engine.internal.store;

import java.util.List;

/**
 * Where a {@link GroupCommitWriter} applies its batches: a database connection ({@link JdbcTarget}) or a
 * flowcore server ({@link HttpTarget}). Only the writer thread calls it.
 */
interface OpTarget extends AutoCloseable {
    /** What the log and errors call it, e.g. "PostgreSQL" or "flowcore server http://…". */
    String name();

    /**
     * Applies {@code ops} all or nothing, adding refused writes and takeover results to {@code out}.
     *
     * @throws Exception whatever failed; {@link #isTransient} tells whether to try the same batch again
     */
    void apply(List<StoreOp> ops, OpApplier.Outcome out) throws Exception;

    /**
     * True when {@code e} (thrown by {@link #apply}) says the target is out of reach or busy, so the same ops
     * are tried again later; false when it refused what it was given (then ops are tried one by one and the
     * one it still refuses is set aside).
     */
    boolean isTransient(Exception e);

    @Override
    void close();
}
