package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A damaged journal never stops the store from opening: what can be read is replayed, what cannot is
 * skipped and counted, and the file is kept aside for inspection. One bad write does not stop the writer.
 */
@DisplayName("a damaged journal or a bad write")
class JournalResilienceTests {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger journalLog = (Logger) LoggerFactory.getLogger(WriteBehindJournal.class);

    @BeforeEach
    void capture() {
        warnings.start();
        journalLog.addAppender(warnings);
    }

    @AfterEach
    void release() {
        journalLog.detachAppender(warnings);
    }

    private Path db() {
        return dir.resolve("home").resolve("flowcore.db");
    }

    private Path journalDir() {
        return dir.resolve("home").resolve("flowcore.db.journal");
    }

    private List<Path> files(String glob) throws IOException {
        try (Stream<Path> s = Files.list(journalDir())) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).toList();
        }
    }

    /** Journals {@code n} flow runs (one op each) in a store that crashes before applying any. */
    private List<FlowRunRecord> crashWithRuns(int n) throws IOException {
        JdbcStateStore crashing = StoreFactory.openSqlite(db(), false);
        List<FlowRunRecord> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FlowRunRecord r = new FlowRunRecord(UUID.randomUUID(), "run-" + i, "etl", "C", "m", "{}", null, null, "gone",
                    State.of(StateType.PENDING, T0.plusSeconds(i)), T0.plusSeconds(i));
            crashing.insertFlowRun(r);
            runs.add(r);
        }
        crashing.crashForTest();
        return runs;
    }

    private Path journal() throws IOException {
        List<Path> j = files("journal-*.bin");
        assertEquals(1, j.size(), j.toString());
        return j.getFirst();
    }

    /** The byte offsets of each record (its length field) in the journal. */
    private static List<Long> recordOffsets(Path journal) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "r")) {
            long pos = 4;
            while (pos < f.length()) {
                offsets.add(pos);
                f.seek(pos);
                pos += 8 + f.readInt();
            }
        }
        return offsets;
    }

    private String warningsText() {
        return warnings.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString();
    }

    @Test
    void aZeroFilledHeaderStillOpensReplaysTheRecordsAndKeepsTheFileAside() throws Exception {
        List<FlowRunRecord> runs = crashWithRuns(3);
        Path journal = journal();
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.write(new byte[4]);
        }

        try (StateStore store = StoreFactory.sqlite(db())) {
            for (FlowRunRecord r : runs) assertEquals(r, store.flowRun(r.id()).orElseThrow());
        }
        assertEquals(1, files("journal-*.corrupt").size(), "kept aside, not deleted");
        assertTrue(warningsText().contains("no flowcore journal header"), warningsText());
    }

    @Test
    void aJournalLeftWithItsMappingsZeroTailReplaysEveryRecordAndIsDeleted() throws Exception {
        List<FlowRunRecord> runs = crashWithRuns(3);
        Path journal = journal();
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.setLength(f.length() + (1 << 20)); // as a killed process leaves it: zeros after the last record
        }

        try (StateStore store = StoreFactory.sqlite(db())) {
            for (FlowRunRecord r : runs) assertEquals(r, store.flowRun(r.id()).orElseThrow());
        }
        assertEquals(List.of(), files("journal-*.corrupt"), "a zero tail is no damage");
        assertEquals(List.of(), files("journal-*.bin"), "replayed and deleted");
        assertTrue(!warningsText().contains("could not be read"), warningsText());
    }

    @Test
    void aRecordAfterAZeroHeaderIsCountedNotIgnored() throws Exception {
        List<FlowRunRecord> runs = crashWithRuns(2);
        Path journal = journal();
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.seek(f.length() + 64); // a zero gap, then bytes: not the zero tail of a mapped journal
            f.write(new byte[] {0, 0, 0, 4, 1, 2, 3, 4, 5, 6, 7, 8});
        }

        try (StateStore store = StoreFactory.sqlite(db())) {
            for (FlowRunRecord r : runs) assertEquals(r, store.flowRun(r.id()).orElseThrow());
        }
        assertEquals(1, files("journal-*.corrupt").size(), "kept aside, not deleted");
    }

    @Test
    void aRecordWithAValidChecksumButAnUnknownTagIsSkippedAndCounted() throws Exception {
        List<FlowRunRecord> runs = crashWithRuns(2);
        Path journal = journal();
        byte[] payload = {99, 1, 2, 3};
        CRC32 crc = new CRC32();
        crc.update(payload);
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.seek(f.length());
            f.writeInt(payload.length);
            f.writeInt((int) crc.getValue());
            f.write(payload);
        }

        try (StateStore store = StoreFactory.sqlite(db())) {
            for (FlowRunRecord r : runs) assertEquals(r, store.flowRun(r.id()).orElseThrow());
        }
        assertEquals(1, files("journal-*.corrupt").size());
        assertTrue(warningsText().contains("1 records could not be read"), warningsText());
    }

    @Test
    void aBadChecksumMidFileSkipsThatRecordOnlyAndCountsItInAWarning() throws Exception {
        List<FlowRunRecord> runs = crashWithRuns(5);
        Path journal = journal();
        long second = recordOffsets(journal).get(1);
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.seek(second + 8 + 20); // inside the payload of the second record
            int b = f.read();
            f.seek(second + 8 + 20);
            f.write(b ^ 0xff);
        }

        try (StateStore store = StoreFactory.sqlite(db())) {
            assertTrue(store.flowRun(runs.get(1).id()).isEmpty(), "the damaged record is not applied");
            for (int i : new int[] {0, 2, 3, 4}) assertEquals(runs.get(i), store.flowRun(runs.get(i).id()).orElseThrow());
        }
        assertEquals(1, files("journal-*.corrupt").size(), "kept aside, not deleted");
        assertTrue(warningsText().contains("1 records could not be read and were skipped (4 applied)"), warningsText());
    }

    @Test
    void aWriteTheDatabaseRefusesIsSetAsideAndTheWriterGoesOn() throws Exception {
        try (JdbcStateStore store = StoreFactory.openSqlite(db(), true)) {
            FlowRunRecord flow = new FlowRunRecord(UUID.randomUUID(), "r", "etl", "C", "m", "{}", null, null, "e",
                    State.of(StateType.RUNNING, T0), T0);
            store.insertFlowRun(flow);
            // A timestamp no column can hold: the applier fails on this op, not on the store.
            store.appendLog(new RunLog(flow.id(), null, Instant.MAX, "INFO", "t", "poison"));
            store.appendLog(new RunLog(flow.id(), null, T0, "INFO", "t", "after"));
            for (int i = 0; i < 100; i++) {
                TaskRunRecord t = new TaskRunRecord(UUID.randomUUID(), flow.id(), "C#t", "t-" + i, i, null, List.of(),
                        State.of(StateType.PENDING, T0), null, T0);
                store.insertTaskRun(Claim.initial(flow.id()), t);
            }
            store.flush();

            assertEquals(1, store.quarantined());
            assertEquals(List.of("after"), store.logs(flow.id()).stream().map(RunLog::message).toList());
            assertEquals(100, store.taskRuns(flow.id()).size());
            assertEquals(1, files("quarantine-*.bin").size(), "the refused write is kept for inspection");
        }
    }

    @Test
    void theStoresFilesAreReadableByTheirOwnerOnly() throws Exception {
        try (StateStore store = StoreFactory.sqlite(db())) {
            store.flush();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journalDir())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal())));
            Path wal = db().resolveSibling("flowcore.db-wal");
            if (Files.exists(wal)) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)));
            }
        }
    }

    /** The child of the two-process test: waits for the go file, opens the store, prints what it replayed. */
    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path go = Path.of(args[1]);
        while (!Files.exists(go)) Thread.onSpinWait();
        try (JdbcStateStore store = StoreFactory.openSqlite(db, true)) {
            System.out.println("replayed=" + store.replayed());
        }
    }

    @Test
    void aLargeJournalOpenedByTwoProcessesAtOnceIsReplayedExactlyOnce() throws Exception {
        JdbcStateStore crashing = StoreFactory.openSqlite(db(), false);
        FlowRunRecord flow = new FlowRunRecord(UUID.randomUUID(), "big", "etl", "C", "m", "{}", null, null, "gone",
                State.of(StateType.RUNNING, T0), T0);
        crashing.insertFlowRun(flow);
        int ops = 1;
        Claim claim = Claim.initial(flow.id());
        for (int i = 0; ops < 50_000; i++) {
            TaskRunRecord t = new TaskRunRecord(UUID.randomUUID(), flow.id(), "C#t", "t-" + i, i, null, List.of(),
                    State.of(StateType.PENDING, T0), null, T0);
            crashing.insertTaskRun(claim, t);
            crashing.appendLog(new RunLog(flow.id(), t.id(), T0, "INFO", "t", "line " + i));
            ops += 2;
        }
        crashing.crashForTest();

        Path go = dir.resolve("go");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    JournalResilienceTests.class.getName(), db().toString(), go.toString())
                    .redirectErrorStream(true).start());
        }
        Files.writeString(go, "go");
        long total = 0;
        List<Long> each = new ArrayList<>();
        for (Process p : children) {
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            long n = out.lines().filter(l -> l.startsWith("replayed=")).mapToLong(l -> Long.parseLong(l.substring(9)))
                    .findFirst().orElseThrow(() -> new AssertionError(out));
            each.add(n);
            total += n;
        }
        assertEquals(ops, total, "every op replayed once in all: " + each);
        assertTrue(each.contains(0L), "one of the two replayed nothing: " + each);
        try (StateStore store = StoreFactory.sqlite(db())) {
            assertEquals((ops - 1) / 2, store.taskRuns(flow.id()).size());
            assertEquals((ops - 1) / 2, store.logs(flow.id()).size());
        }
    }
}
