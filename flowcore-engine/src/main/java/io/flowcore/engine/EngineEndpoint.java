package io.flowcore.engine;

import io.flowcore.engine.internal.store.RemoteCalls;
import java.util.Objects;

/**
 * The server's half of remote engines ({@link FlowcoreConfig#server}): what {@code flowcore server} answers
 * on {@code /api/engine/…} for one workspace's engine. Writes arrive as batches, every other call as its
 * name and a JSON array of arguments; the answers are JSON. Nothing here checks keys: the server lets only
 * keys of the role worker or admin of this workspace through, and admin keys only to the calls for which
 * {@link #needsAdmin} is true.
 */
public final class EngineEndpoint {
    /** The media type of a batch of writes ({@code POST /api/engine/ops}). */
    public static final String OPS_TYPE = io.flowcore.engine.internal.remote.RemoteClient.OPS_TYPE;

    private final Flowcore fc;

    /** The endpoint of {@code fc}'s workspace. */
    public EngineEndpoint(Flowcore fc) {
        this.fc = Objects.requireNonNull(fc, "fc");
    }

    /** True when call {@code name} changes deployments, queues, blocks or deletes runs: admin keys only. */
    public static boolean needsAdmin(String name) {
        return RemoteCalls.needsAdmin(name);
    }

    /**
     * Applies a batch of a remote engine's writes, in order; once this returns they are in the store's journal.
     *
     * @throws IllegalArgumentException when the batch cannot be read or a write in it carries no claim
     */
    public void write(byte[] batch) {
        RemoteCalls.write(fc.engine().store(), batch);
    }

    /**
     * Answers call {@code name} with {@code jsonArgs} (a JSON array).
     *
     * @return the answer as JSON
     * @throws IllegalArgumentException for an unknown call, arguments that do not fit it, or what the store refuses
     * @throws IllegalStateException    when the store refuses the call in its current state
     */
    public byte[] call(String name, byte[] jsonArgs) {
        return RemoteCalls.call(fc.engine().store(), fc.blocks().documents(), name, jsonArgs);
    }
}
