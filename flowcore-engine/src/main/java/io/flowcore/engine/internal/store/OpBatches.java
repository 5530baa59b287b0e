package io.flowcore.engine.internal.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of writes on the wire between a remote engine and a flowcore server: a version byte, then per op
 * its length and its journal encoding ({@link OpCodec}).
 */
final class OpBatches {
    private static final byte VERSION = 1;
    /** Far above what a writer batch holds (its backlog is bounded at 64 MiB), far below a denial of service. */
    static final int MAX_OPS = 200_000;

    private OpBatches() {
    }

    /** A request's most bytes: a server takes up to 16 MiB in one request (a larger op goes alone). */
    static final int MAX_BYTES = 8 << 20;

    /** {@code ops} in batches of at most about {@link #MAX_BYTES} each (an op larger than that goes alone), in order. */
    static List<byte[]> encodeInChunks(List<StoreOp> ops) {
        List<byte[]> out = new ArrayList<>();
        OpCodec.Encoder e = new OpCodec.Encoder();
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(8192);
        int count = 0;
        for (StoreOp op : ops) {
            if (op instanceof StoreOp.TakeOver) throw new IllegalArgumentException("a takeover is not sent as a write");
            e.reset(0);
            e.encode(op);
            if (count > 0 && (chunk.size() + 4 + e.pos > MAX_BYTES || count == MAX_OPS)) {
                out.add(finish(chunk, count));
                chunk.reset();
                count = 0;
            }
            if (count == 0) chunk.write(new byte[] {VERSION, 0, 0, 0, 0}, 0, 5);
            chunk.write(e.pos >>> 24);
            chunk.write(e.pos >>> 16);
            chunk.write(e.pos >>> 8);
            chunk.write(e.pos);
            chunk.write(e.buf, 0, e.pos);
            count++;
        }
        if (count > 0) out.add(finish(chunk, count));
        return out;
    }

    private static byte[] finish(ByteArrayOutputStream chunk, int count) {
        byte[] b = chunk.toByteArray();
        java.nio.ByteBuffer.wrap(b).putInt(1, count);
        return b;
    }

    /** @throws IllegalArgumentException when the bytes are not a batch this version reads, naming what is wrong */
    static List<StoreOp> decode(byte[] batch) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(batch))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) throw new IllegalArgumentException("unknown batch version " + version);
            int n = in.readInt();
            if (n < 0 || n > MAX_OPS) throw new IllegalArgumentException("a batch of " + n + " writes");
            List<StoreOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = in.readInt();
                if (len <= 0 || len > in.available()) throw new IllegalArgumentException("write " + i + " has a bad length " + len);
                byte[] b = new byte[len];
                in.readFully(b);
                ops.add(OpCodec.decode(b));
            }
            if (in.available() > 0) throw new IllegalArgumentException(in.available() + " bytes after the last write");
            return ops;
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated batch of writes: " + e.getMessage(), e);
        }
    }
}
