package io.flowcore.examples.taxi.data;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/* What the reader fuzz tests share: each case runs on its own daemon thread, bounded by a timeout, and ends
   either with a value or with a "clear" exception: an IOException, UncheckedIOException,
   SchemaDriftException or IllegalStateException whose message names the file. Anything else fails. */
final class Fuzzing {
    static final Duration CASE_TIMEOUT = Duration.ofSeconds(20); // generous: the machine is shared

    /** A finished case: a value or the exception it threw. */
    record Outcome<T>(T value, Throwable error) {
    }

    private Fuzzing() {
    }

    static <T> Outcome<T> bounded(String what, Callable<T> body) throws InterruptedException {
        FutureTask<T> task = new FutureTask<>(body);
        Thread t = new Thread(task, "fuzz-case");
        t.setDaemon(true); // a hung case must not keep the JVM alive
        t.start();
        try {
            return new Outcome<>(task.get(CASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException e) {
            t.interrupt();
            return fail(what + " did not finish within " + CASE_TIMEOUT.toSeconds() + " s (hang)");
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause());
        }
    }

    static void assertClear(Throwable error, String fileName) {
        boolean expectedType = error instanceof IOException || error instanceof UncheckedIOException
                || error instanceof SchemaDriftException || error instanceof IllegalStateException;
        if (!expectedType) throw new AssertionError("an unexpected " + error.getClass().getName() + " for " + fileName, error);
        assertTrue(String.valueOf(error.getMessage()).contains(fileName),
                () -> "the message must name " + fileName + ": " + error);
    }
}
