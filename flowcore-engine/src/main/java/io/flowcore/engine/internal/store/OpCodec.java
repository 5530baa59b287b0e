package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/*
 * The binary form of a StoreOp in the journal: a tag byte, then the fields in declaration order.
 * Big-endian ints and longs (DataOutput style), strings as int byte length (-1 for null) + UTF-8,
 * UUIDs as a presence byte + two longs, Instants as a presence byte + seconds + nanos, state types by
 * name (so a journal survives a reordering of the enum). Not thread-safe: one Encoder per journal, used
 * under the journal's lock; decoding allocates freely (it only runs on replay).
 */
final class OpCodec {
    /* Tags 2, 3, 4 and 7 are the layouts of journals written before claim epochs; still read, no longer written. */
    private static final byte INSERT_FLOW = 1, INSERT_TASK_V1 = 2, FLOW_STATE_V1 = 3, TASK_STATE_V1 = 4, LOG = 5,
            CACHE = 6, HEARTBEAT_V1 = 7, RELEASE = 8, INSERT_TASK = 9, FLOW_STATE = 10, TASK_STATE = 11,
            FINISH_TASKS = 12, HEARTBEAT = 13;

    private OpCodec() {
    }

    /** A reusable, growable output buffer. */
    static final class Encoder {
        byte[] buf = new byte[1024];
        int pos;

        void reset(int start) {
            pos = start;
        }

        void encode(StoreOp op) {
            switch (op) {
                case StoreOp.InsertFlowRun(FlowRunRecord r) -> {
                    putByte(INSERT_FLOW);
                    putUuid(r.id());
                    putString(r.name());
                    putString(r.flowName());
                    putString(r.flowClass());
                    putString(r.flowMethod());
                    putString(r.parametersJson());
                    putUuid(r.parentFlowRunId());
                    putUuid(r.resumeOf());
                    putString(r.engineId());
                    putState(r.state());
                    putInstant(r.createdAt());
                }
                case StoreOp.InsertTaskRun(TaskRunRecord r, long epoch) -> {
                    putByte(INSERT_TASK);
                    putUuid(r.id());
                    putUuid(r.flowRunId());
                    putString(r.taskKey());
                    putString(r.name());
                    putInt(r.dynamicKey());
                    putString(r.cacheKey());
                    putInt(r.upstream().size());
                    for (UUID u : r.upstream()) putUuid(u);
                    putState(r.state());
                    putString(r.resultRef());
                    putInstant(r.createdAt());
                    putLong(epoch);
                }
                case StoreOp.SetFlowRunState(UUID id, State s, long seq, long epoch) -> {
                    putByte(FLOW_STATE);
                    putUuid(id);
                    putState(s);
                    putLong(seq);
                    putLong(epoch);
                }
                case StoreOp.SetTaskRunState(UUID id, UUID flowRunId, State s, String ref, long seq, long epoch) -> {
                    putByte(TASK_STATE);
                    putUuid(id);
                    putUuid(flowRunId);
                    putState(s);
                    putString(ref);
                    putLong(seq);
                    putLong(epoch);
                }
                case StoreOp.FinishTasks(UUID flowRunId, State s, long seq, long epoch) -> {
                    putByte(FINISH_TASKS);
                    putUuid(flowRunId);
                    putState(s);
                    putLong(seq);
                    putLong(epoch);
                }
                case StoreOp.AppendLog(long origin, long logSeq, RunLog l) -> {
                    putByte(LOG);
                    putLong(origin);
                    putLong(logSeq);
                    putUuid(l.flowRunId());
                    putUuid(l.taskRunId());
                    putInstant(l.timestamp());
                    putString(l.level());
                    putString(l.logger());
                    putString(l.message());
                }
                case StoreOp.PutCache(CacheEntry e) -> {
                    putByte(CACHE);
                    putString(e.cacheKey());
                    putString(e.resultRef());
                    putUuid(e.taskRunId());
                    putInstant(e.expiresAt());
                }
                case StoreOp.Heartbeat(EngineLease l) -> {
                    putByte(HEARTBEAT);
                    putString(l.engineId());
                    putString(l.host());
                    putLong(l.pid());
                    putInstant(l.startedAt());
                    putInstant(l.heartbeatAt());
                    putString(l.namespace());
                    putInstant(l.processStart());
                }
                case StoreOp.ReleaseLease(String engineId) -> {
                    putByte(RELEASE);
                    putString(engineId);
                }
                case StoreOp.TakeOver t -> throw new IllegalArgumentException("a takeover is never journaled");
            }
        }

        private void ensure(int n) {
            if (pos + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }

        void putByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void putInt(int v) {
            ensure(4);
            putIntAt(pos, v);
            pos += 4;
        }

        void putIntAt(int at, int v) {
            buf[at] = (byte) (v >>> 24);
            buf[at + 1] = (byte) (v >>> 16);
            buf[at + 2] = (byte) (v >>> 8);
            buf[at + 3] = (byte) v;
        }

        void putLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
        }

        void putUuid(UUID u) {
            if (u == null) {
                putByte(0);
                return;
            }
            putByte(1);
            putLong(u.getMostSignificantBits());
            putLong(u.getLeastSignificantBits());
        }

        void putInstant(Instant t) {
            if (t == null) {
                putByte(0);
                return;
            }
            putByte(1);
            putLong(t.getEpochSecond());
            putInt(t.getNano());
        }

        void putState(State s) {
            putString(s.type().name());
            putString(s.name());
            putInstant(s.timestamp());
            putString(s.message());
            putInstant(s.scheduledTime());
        }

        /** ASCII is copied char by char (no allocation); anything else goes through getBytes. */
        void putString(String s) {
            if (s == null) {
                putInt(-1);
                return;
            }
            int n = s.length();
            ensure(4 + n);
            int lenAt = pos;
            pos += 4;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    pos = lenAt;
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    putInt(utf8.length);
                    ensure(utf8.length);
                    System.arraycopy(utf8, 0, buf, pos, utf8.length);
                    pos += utf8.length;
                    return;
                }
                buf[pos++] = (byte) c;
            }
            putIntAt(lenAt, n);
        }
    }

    /**
     * Reads one op written by {@link Encoder#encode}.
     *
     * @throws IllegalArgumentException for any record it cannot read (unknown tag, bad lengths, trailing bytes)
     */
    static StoreOp decode(byte[] b) {
        try {
            Decoder d = new Decoder(b);
            byte tag = d.b[d.pos++];
            StoreOp op = switch (tag) {
                case INSERT_FLOW -> new StoreOp.InsertFlowRun(new FlowRunRecord(d.uuid(), d.string(), d.string(),
                        d.string(), d.string(), d.string(), d.uuid(), d.uuid(), d.string(), d.state(), d.instant()));
                case INSERT_TASK_V1 -> new StoreOp.InsertTaskRun(d.taskRun(), StoreOp.UNFENCED);
                case INSERT_TASK -> new StoreOp.InsertTaskRun(d.taskRun(), d.longValue());
                case FLOW_STATE_V1 -> new StoreOp.SetFlowRunState(d.uuid(), d.state(), d.longValue(), StoreOp.UNFENCED);
                case FLOW_STATE -> new StoreOp.SetFlowRunState(d.uuid(), d.state(), d.longValue(), d.longValue());
                case TASK_STATE_V1 -> new StoreOp.SetTaskRunState(d.uuid(), null, d.state(), d.string(), d.longValue(),
                        StoreOp.UNFENCED);
                case TASK_STATE -> new StoreOp.SetTaskRunState(d.uuid(), d.uuid(), d.state(), d.string(), d.longValue(),
                        d.longValue());
                case FINISH_TASKS -> new StoreOp.FinishTasks(d.uuid(), d.state(), d.longValue(), d.longValue());
                case LOG -> new StoreOp.AppendLog(d.longValue(), d.longValue(), new RunLog(d.uuid(), d.uuid(),
                        d.instant(), d.string(), d.string(), d.string()));
                case CACHE -> new StoreOp.PutCache(new CacheEntry(d.string(), d.string(), d.uuid(), d.instant()));
                case HEARTBEAT_V1 -> new StoreOp.Heartbeat(new EngineLease(d.string(), d.string(), d.longValue(),
                        d.instant(), d.instant()));
                case HEARTBEAT -> new StoreOp.Heartbeat(new EngineLease(d.string(), d.string(), d.longValue(),
                        d.instant(), d.instant(), d.string(), d.instant()));
                case RELEASE -> new StoreOp.ReleaseLease(d.string());
                default -> throw new IllegalArgumentException("unknown journal op tag " + tag);
            };
            if (d.pos != b.length) {
                throw new IllegalArgumentException("journal record has " + (b.length - d.pos) + " trailing bytes");
            }
            return op;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // truncated fields, impossible values: a record this code did not write
            throw new IllegalArgumentException("undecodable journal record (" + b.length + " bytes): " + e, e);
        }
    }

    private static final class Decoder {
        final byte[] b;
        int pos;

        Decoder(byte[] b) {
            this.b = b;
        }

        int integer() {
            int v = ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        long longValue() {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (b[pos++] & 0xff);
            return v;
        }

        UUID uuid() {
            return b[pos++] == 0 ? null : new UUID(longValue(), longValue());
        }

        Instant instant() {
            return b[pos++] == 0 ? null : Instant.ofEpochSecond(longValue(), integer());
        }

        TaskRunRecord taskRun() {
            UUID id = uuid(), flowRunId = uuid();
            String taskKey = string(), name = string();
            int dynamicKey = integer();
            String cacheKey = string();
            int n = integer();
            if (n < 0 || n > (b.length - pos) / 17) throw new IllegalArgumentException("bad upstream count " + n);
            List<UUID> upstream = new ArrayList<>(n);
            for (int i = 0; i < n; i++) upstream.add(uuid());
            return new TaskRunRecord(id, flowRunId, taskKey, name, dynamicKey, cacheKey, upstream, state(), string(),
                    instant());
        }

        String string() {
            int n = integer();
            if (n < -1 || n > b.length - pos) throw new IllegalArgumentException("bad string length " + n);
            if (n < 0) return null;
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        State state() {
            return new State(StateType.valueOf(string()), string(), instant(), string(), instant());
        }
    }
}
