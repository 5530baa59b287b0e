package io.flowcore.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Property-based fuzzing of the journal decoder and its replay (jqwik). Whatever bytes a journal holds —
 * random ones, or a valid journal with flipped bytes, cut short or with garbage appended — replay never
 * hangs or throws, never applies a record it could not read, and accounts for every record: each one is
 * either applied or counted as skipped. 200 tries per property in CI; {@code -Pstress} runs 5,000
 * ({@code jqwik.tries.default}, set by the build).
 */
class JournalFuzzTests {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Path dir;

    @BeforeTry
    void folder() throws IOException {
        dir = Files.createTempDirectory("journal-fuzz");
    }

    @AfterTry
    void clean() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Property
    void decodingArbitraryBytesEitherGivesAnOpOrAClearError(@ForAll @Size(max = 300) byte[] payload) {
        try {
            assertTrue(OpCodec.decode(payload) != null);
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }

    @Property
    void aValidRecordDecodesToTheOpThatWasEncoded(@ForAll("ops") StoreOp op) {
        OpCodec.Encoder e = new OpCodec.Encoder();
        e.reset(0);
        e.encode(op);
        assertEquals(op, OpCodec.decode(java.util.Arrays.copyOf(e.buf, e.pos)));
    }

    @Property
    void aDamagedJournalReplaysEveryReadableRecordAndCountsTheRest(@ForAll("journals") List<StoreOp> ops,
                                                                     @ForAll("damage") Damage damage) throws Exception {
        Path journal = dir.resolve("journal-" + UUID.randomUUID() + ".bin");
        List<Long> ends = write(journal, ops);
        long firstDamaged = damage.apply(journal);
        List<StoreOp> replayed = new ArrayList<>();
        WriteBehindJournal.Replayed r = WriteBehindJournal.replayLeftovers(dir, 7, replayed::addAll);

        assertEquals(replayed.size(), r.ops());
        // Records that end before the first damaged byte come back exactly, in order.
        int intact = 0;
        while (intact < ops.size() && ends.get(intact) <= firstDamaged) intact++;
        assertTrue(replayed.size() >= Math.min(intact, ops.size()) || r.skipped() > 0,
                "intact records lost: " + intact + " intact, " + replayed.size() + " replayed, " + r.skipped() + " skipped");
        assertEquals(ops.subList(0, Math.min(intact, replayed.size())), replayed.subList(0, Math.min(intact, replayed.size())));
        // Nothing replayed that was never written (a damaged record is skipped, not misread as another op).
        for (StoreOp op : replayed) assertTrue(ops.contains(op), "replayed an op never written: " + op);
        if (r.skipped() > 0) {
            try (var left = Files.list(dir)) {
                assertTrue(left.anyMatch(p -> p.getFileName().toString().endsWith(".corrupt")), "kept aside");
            }
        }
    }

    /** Writes a journal of {@code ops}; returns the end offset of each record. */
    private static List<Long> write(Path journal, List<StoreOp> ops) throws IOException {
        List<Long> ends = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.writeInt(0x46434A31);
            OpCodec.Encoder e = new OpCodec.Encoder();
            CRC32 crc = new CRC32();
            for (StoreOp op : ops) {
                e.reset(0);
                e.encode(op);
                crc.reset();
                crc.update(e.buf, 0, e.pos);
                f.writeInt(e.pos);
                f.writeInt((int) crc.getValue());
                f.write(e.buf, 0, e.pos);
                ends.add(f.getFilePointer());
            }
        }
        return ends;
    }

    /** A way to damage a journal file: flip a byte, cut it, or append garbage. */
    record Damage(String kind, double where, byte[] bytes) {
        /** Damages the file; returns the offset of the first byte that is no longer as written. */
        long apply(Path journal) throws IOException {
            long size = Files.size(journal);
            long at = Math.min(size - 1, (long) (where * size));
            try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
                switch (kind) {
                    case "flip" -> {
                        f.seek(at);
                        int b = f.read();
                        f.seek(at);
                        f.write(b ^ (bytes.length == 0 ? 0xff : (bytes[0] | 1)));
                    }
                    case "cut" -> f.setLength(at);
                    case "append" -> {
                        f.seek(size);
                        f.write(bytes);
                    }
                    default -> throw new IllegalArgumentException(kind);
                }
            }
            return kind.equals("append") ? size : at;
        }
    }

    @Provide
    Arbitrary<Damage> damage() {
        return Combinators.combine(Arbitraries.of("flip", "cut", "append"), Arbitraries.doubles().between(0, 1),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64)).as(Damage::new);
    }

    @Provide
    Arbitrary<List<StoreOp>> journals() {
        return ops().list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<StoreOp> ops() {
        // Any UTF-16 text without lone surrogates (which no Java string from a user survives UTF-8 with).
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(40).injectNull(0.1);
        Arbitrary<UUID> id = Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
        Arbitrary<Instant> at = Arbitraries.longs().between(0, 4_000_000_000L).map(s -> T0.plusSeconds(s % 1_000_000));
        Arbitrary<State> state = Combinators.combine(Arbitraries.of(StateType.class), text.filter(s -> s != null), at, text)
                .as((t, n, ts, m) -> new State(t, n, ts, m, null));
        Arbitrary<Long> seq = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Arbitraries.oneOf(
                Combinators.combine(id, text.filter(s -> s != null), state, at).as((i, n, s, c) -> (StoreOp)
                        new StoreOp.InsertFlowRun(new FlowRunRecord(i, n, "flow", "C", "m", "{}", null, null, "e", s, c))),
                Combinators.combine(id, id, state, seq).as((t, f, s, q) -> (StoreOp)
                        new StoreOp.InsertTaskRun(new TaskRunRecord(t, f, "C#t", "t-0", 0, null, List.of(f), s, null, T0), q)),
                Combinators.combine(id, state, seq, seq).as((i, s, q, e) -> (StoreOp) new StoreOp.SetFlowRunState(i, s, q, e)),
                Combinators.combine(id, id, state, text, seq).as((i, f, s, ref, q) -> (StoreOp)
                        new StoreOp.SetTaskRunState(i, f, s, ref, q, 3)),
                Combinators.combine(id, seq, text, at).as((f, q, m, ts) -> (StoreOp)
                        new StoreOp.AppendLog(q, q, new RunLog(f, null, ts, "INFO", "l", m))),
                Combinators.combine(text.filter(s -> s != null), id).as((k, t) -> (StoreOp)
                        new StoreOp.PutCache(new CacheEntry(k, "r", t, null))),
                Combinators.combine(text.filter(s -> s != null), at).as((e, ts) -> (StoreOp)
                        new StoreOp.Heartbeat(new EngineLease(e, "h", 1, ts, ts, "boot/pid:[1]", ts))));
    }
}
