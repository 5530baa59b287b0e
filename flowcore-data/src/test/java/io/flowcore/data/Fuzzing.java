package io.flowcore.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;

/* What the reader fuzz tests share. Each case runs through the engine test kit's Fuzz.check, which bounds
   it by CASE_TIMEOUT on its own thread (a hang fails the test), and ends either with a value or with a
   "clear" exception: an IOException, UncheckedIOException, SchemaDriftException or IllegalStateException
   whose message names the file. Anything else fails. */
final class Fuzzing {
    static final Duration CASE_TIMEOUT = Duration.ofSeconds(20); // generous: the machine is shared
    /** Every byte value, for {@link #flipped} to draw from. */
    static final byte[] ANY_BYTE = anyByte();

    /** A finished read: a value or the exception it threw. */
    record Outcome<T>(T value, Exception error) {
    }

    private Fuzzing() {
    }

    /** Runs {@code body}, keeping what it threw instead of throwing it; an Error still fails the case. */
    static <T> Outcome<T> attempt(Callable<T> body) {
        try {
            return new Outcome<>(body.call(), null);
        } catch (Exception e) {
            return new Outcome<>(null, e);
        }
    }

    static void assertClear(Throwable error, String fileName) {
        boolean expectedType = error instanceof IOException || error instanceof UncheckedIOException
                || error instanceof SchemaDriftException || error instanceof IllegalStateException;
        if (!expectedType) throw new AssertionError("an unexpected " + error.getClass().getName() + " for " + fileName, error);
        assertTrue(String.valueOf(error.getMessage()).contains(fileName),
                () -> "the message must name " + fileName + ": " + error);
    }

    /** A copy of {@code valid} with 1 to {@code maxFlips} bytes at positions in [from, to] set to values drawn from {@code pool}. */
    static byte[] flipped(byte[] valid, Random r, int maxFlips, int from, int to, byte[] pool) {
        byte[] copy = valid.clone();
        for (int k = 1 + r.nextInt(maxFlips); k > 0; k--) copy[from + r.nextInt(to - from + 1)] = pool[r.nextInt(pool.length)];
        return copy;
    }

    /** Random bytes, up to {@code max} long; a quarter of the time at most 16, so empty and tiny inputs come up often. */
    static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(r.nextInt(4) == 0 ? Math.min(16, max) + 1 : max + 1)];
        r.nextBytes(b);
        return b;
    }

    private static byte[] anyByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) all[i] = (byte) i;
        return all;
    }
}
