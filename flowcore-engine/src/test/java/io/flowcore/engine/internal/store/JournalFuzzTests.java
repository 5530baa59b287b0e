package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.testing.Fuzz;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the journal decoder and its replay. Whatever bytes a journal holds — random ones, or a
 * valid journal with a flipped byte, cut short or with garbage appended — decoding gives an op or a clear
 * error, and replay never hangs or throws, never applies a record it could not read, replays every record
 * before the damage, and keeps a damaged file aside. 200 cases per property in CI, 5,000 with -Pstress.
 */
@DisplayName("the journal, fuzzed")
class JournalFuzzTests {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration PER_CASE = Duration.ofSeconds(10);

    @Test
    void decodingArbitraryBytesGivesAnOpOrAClearError() throws Exception {
        Fuzz.check("decode(random bytes)", PER_CASE, r -> {
            byte[] payload = Fuzz.bytes(r, 300);
            if (payload.length > 0 && r.nextBoolean()) payload[0] = (byte) (1 + r.nextInt(13)); // a known tag
            try {
                assertTrue(OpCodec.decode(payload) != null);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
        });
    }

    @Test
    void aValidRecordDecodesToTheOpThatWasEncoded() throws Exception {
        Fuzz.check("decode(encode(op)) == op", PER_CASE, r -> {
            StoreOp op = op(r);
            OpCodec.Encoder e = new OpCodec.Encoder();
            e.reset(0);
            e.encode(op);
            assertEquals(op, OpCodec.decode(java.util.Arrays.copyOf(e.buf, e.pos)));
        });
    }

    @Test
    void aDamagedJournalReplaysEveryReadableRecordAndCountsTheRest() throws Exception {
        Fuzz.check("replay(damaged journal)", PER_CASE, r -> {
            Path dir = Files.createTempDirectory("journal-fuzz");
            try {
                List<StoreOp> ops = new ArrayList<>();
                for (int i = r.nextInt(13); i > 0; i--) ops.add(op(r));
                Path journal = dir.resolve("journal-" + UUID.randomUUID() + ".bin");
                List<Long> ends = write(journal, ops);
                long firstDamaged = damage(journal, r);
                List<StoreOp> replayed = new ArrayList<>();

                WriteBehindJournal.Replayed result = WriteBehindJournal.replayLeftovers(dir, 7, replayed::addAll);

                assertEquals(replayed.size(), result.ops());
                int intact = 0;
                while (intact < ops.size() && ends.get(intact) <= firstDamaged) intact++;
                assertTrue(replayed.size() >= intact, "records before the damage are lost: " + intact + " intact, "
                        + replayed.size() + " replayed");
                assertEquals(ops.subList(0, intact), replayed.subList(0, intact));
                for (StoreOp op : replayed) assertTrue(ops.contains(op), "replayed an op never written: " + op);
                try (var left = Files.list(dir)) {
                    List<String> names = left.map(p -> p.getFileName().toString()).toList();
                    if (result.skipped() > 0) assertTrue(names.stream().anyMatch(n -> n.endsWith(".corrupt")), names.toString());
                    assertTrue(names.stream().noneMatch(n -> n.endsWith(".bin")), "replayed journals are gone: " + names);
                }
            } finally {
                try (var files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        });
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

    /** Flips a byte, cuts the file or appends garbage; returns the offset of the first byte no longer as written. */
    private static long damage(Path journal, Random r) throws IOException {
        long size = Files.size(journal);
        long at = (long) (r.nextDouble() * size);
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            switch (r.nextInt(3)) {
                case 0 -> {
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ (1 + r.nextInt(255)));
                    return at;
                }
                case 1 -> {
                    f.setLength(at);
                    return at;
                }
                default -> {
                    f.seek(size);
                    f.write(Fuzz.bytes(r, 64));
                    return size;
                }
            }
        }
    }

    private static StoreOp op(Random r) {
        UUID a = new UUID(r.nextLong(), r.nextLong());
        UUID b = new UUID(r.nextLong(), r.nextLong());
        Instant at = T0.plusSeconds(r.nextInt(1_000_000)).plusNanos(r.nextInt(1_000_000_000));
        State s = new State(StateType.values()[r.nextInt(StateType.values().length)], "n" + Fuzz.text(r, 20), at,
                r.nextBoolean() ? null : Fuzz.text(r, 40), r.nextBoolean() ? null : at.plusSeconds(5));
        long seq = r.nextLong() & Long.MAX_VALUE;
        return switch (r.nextInt(8)) {
            case 0 -> new StoreOp.InsertFlowRun(new FlowRunRecord(a, Fuzz.text(r, 20), "flow", "C", "m", "{}", null, null,
                    "e", s, at));
            case 1 -> new StoreOp.InsertTaskRun(new TaskRunRecord(a, b, "C#t", "t-0", r.nextInt(100), null, List.of(b), s,
                    null, at), r.nextInt(5));
            case 2 -> new StoreOp.SetFlowRunState(a, s, seq, r.nextInt(5));
            case 3 -> new StoreOp.SetTaskRunState(a, b, s, r.nextBoolean() ? null : Fuzz.text(r, 30), seq, r.nextInt(5));
            case 4 -> new StoreOp.FinishTasks(a, s, seq, r.nextInt(5));
            case 5 -> new StoreOp.AppendLog(r.nextLong(), r.nextLong(), new RunLog(a, r.nextBoolean() ? null : b, at, "INFO",
                    "logger", Fuzz.text(r, 200)));
            case 6 -> new StoreOp.PutCache(new CacheEntry("k" + Fuzz.text(r, 20), "r", b, r.nextBoolean() ? null : at));
            default -> new StoreOp.Heartbeat(new EngineLease("e" + Fuzz.text(r, 10), "h", r.nextInt(99_999), at, at,
                    r.nextBoolean() ? null : "boot/pid:[1]", r.nextBoolean() ? null : at));
        };
    }
}
