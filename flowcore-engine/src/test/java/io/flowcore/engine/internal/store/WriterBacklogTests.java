package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.RunLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the store writer's backlog is bounded in bytes")
class WriterBacklogTests {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void largeOpsWaitForTheWriterOnceTheirBytesReachTheBoundAndGoInOnceTheDatabaseAnswers() throws Exception {
        Path db = dir.resolve("flowcore.db");
        try (JdbcStateStore store = StoreFactory.openSqlite(db, true);
             Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            UUID flowRunId = UUID.randomUUID();
            String line = "x".repeat(MIB); // 1 MiB of log text, as a big inline result would be
            try (Statement s = blocker.createStatement()) {
                s.execute("BEGIN EXCLUSIVE"); // the writer's transactions now fail busy and are retried
            }
            int total = (int) (GroupCommitWriter.MAX_BACKLOG_BYTES / MIB) + 8;
            AtomicInteger submitted = new AtomicInteger();
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < total; i++) {
                    store.appendLog(new RunLog(flowRunId, null, Instant.EPOCH.plusSeconds(i), "INFO", "t", line));
                    submitted.incrementAndGet();
                }
            });

            // The producer gets 64 ops of just over 1 MiB in (64 MiB reached), then waits inside submit(): without a
            // timeout while the writer's first attempt waits on SQLite's busy lock, with one once an attempt failed.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(submitted.get() == 64 && (producer.getState() == Thread.State.WAITING
                    || producer.getState() == Thread.State.TIMED_WAITING))) {
                assertTrue(System.nanoTime() < deadline, "the producer never blocked; submitted " + submitted.get());
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertEquals(64, submitted.get());

            try (Statement s = blocker.createStatement()) {
                s.execute("COMMIT");
            }
            producer.join(java.time.Duration.ofSeconds(60));
            assertEquals(Thread.State.TERMINATED, producer.getState(), "the producer still waits once the database answers");
            store.flush();
            assertEquals(total, store.logs(flowRunId).size());
            long peak = store.peakBacklogBytes();
            assertTrue(peak >= GroupCommitWriter.MAX_BACKLOG_BYTES && peak < GroupCommitWriter.MAX_BACKLOG_BYTES + 2L * MIB,
                    "peak backlog " + peak);
        }
    }
}
