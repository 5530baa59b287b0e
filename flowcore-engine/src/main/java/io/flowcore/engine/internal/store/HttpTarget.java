package io.flowcore.engine.internal.store;

import io.flowcore.engine.internal.remote.RemoteClient;
import java.util.List;

/**
 * A remote engine's writer target: each batch goes to the flowcore server in one request, encoded as the
 * journal encodes it ({@link OpBatches}). Every op is idempotent, so a batch sent again after a lost answer
 * changes nothing. Takeovers never come here: a remote store asks the server for them directly.
 */
final class HttpTarget implements OpTarget {
    private final RemoteClient client;

    HttpTarget(RemoteClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "flowcore server " + client.url();
    }

    @Override
    public void apply(List<StoreOp> ops, OpApplier.Outcome out) {
        // in order; a chunk sent again after a later one failed changes nothing (every op is idempotent)
        for (byte[] chunk : OpBatches.encodeInChunks(ops)) client.postOps(chunk);
    }

    /** Out of reach, 5xx or a refused key: try again; a 400 means the server refused an op of the batch. */
    @Override
    public boolean isTransient(Exception e) {
        return e instanceof StoreException;
    }

    @Override
    public void close() {
    }
}
