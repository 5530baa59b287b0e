package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller waiting in flush() parks without a timeout while the store answers; these are the writer's signals
 * that must still reach it (without them these tests hang until their own timeout).
 */
@DisplayName("waiting for the store writer")
class WriterWaitsTests {
    @TempDir
    Path dir;

    /** A target whose apply() first tells that it started, then does what {@code then} says. */
    private static OpTarget target(CountDownLatch applying, ThrowingRunnable then, boolean transientErrors) {
        return new OpTarget() {
            @Override
            public String name() {
                return "test target";
            }

            @Override
            public void apply(List<StoreOp> ops, OpApplier.Outcome out) throws Exception {
                applying.countDown();
                then.run();
            }

            @Override
            public boolean isTransient(Exception e) {
                return transientErrors;
            }

            @Override
            public void close() {
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Flushes on a thread of its own and returns once that thread waits inside flush(). */
    private static CompletableFuture<Void> flushing(GroupCommitWriter writer) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicReference<Thread> t = new AtomicReference<>();
        t.set(Thread.ofPlatform().start(() -> {
            try {
                writer.flush();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }));
        while (t.get().getState() != Thread.State.WAITING && !done.isDone()) Thread.onSpinWait();
        return done;
    }

    @Test
    void aFlushWaitingForAWriterThatDiesThrowsInsteadOfWaitingForever() throws Exception {
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch die = new CountDownLatch(1);
        GroupCommitWriter writer = new GroupCommitWriter(target(applying, () -> {
            die.await();
            throw new AssertionError("the writer thread dies (a test)");
        }, false), WriteBehindJournal.create(dir), Duration.ofSeconds(30), true);
        writer.submit(new StoreOp.ReleaseLease("engine-1"));
        assertTrue(applying.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> flushed = flushing(writer);

        die.countDown();

        ExecutionException e = assertThrows(ExecutionException.class, () -> flushed.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("writer has stopped"), e.getCause().toString());
    }

    @Test
    void aFlushWaitingWhileTheStoreStopsAnsweringGivesUpAfterTheRetryWindow() throws Exception {
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        GroupCommitWriter writer = new GroupCommitWriter(target(applying, () -> {
            fail.await();
            throw new java.sql.SQLException("the store does not answer (a test)");
        }, true), WriteBehindJournal.create(dir), Duration.ofMillis(500), true);
        writer.submit(new StoreOp.ReleaseLease("engine-1"));
        assertTrue(applying.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> flushed = flushing(writer); // parked without a timeout: the store answered so far

        fail.countDown();

        ExecutionException e = assertThrows(ExecutionException.class, () -> flushed.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreException
                && e.getCause().getMessage().contains("has been failing"), e.getCause().toString());
        writer.haltForTest();
    }
}
