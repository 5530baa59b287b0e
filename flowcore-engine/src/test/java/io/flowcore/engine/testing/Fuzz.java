package io.flowcore.engine.testing;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * A small seeded fuzz loop for the project's fuzz tests: `tries` cases, each drawn from a Random seeded
 * from one run seed, each on its own daemon thread with a time limit, so a case that hangs fails the test
 * instead of hanging the build. A failure names the run seed and the case; rerun exactly that run with
 * -Dflowcore.fuzz.seed=<seed>. CI runs 200 cases per property; -Pstress (or -Dflowcore.fuzz.tries=N) more.
 *
 * Why not a property-testing library: jqwik, the obvious one, prints in every run that AI agents must not
 * use it, and this project is written partly by AI agents; we honour the author's wish. This loop has no
 * shrinking: a failure prints its inputs' description instead.
 */
public final class Fuzz {
    private Fuzz() {
    }

    /** One case: draw inputs from {@code random}, run, assert. */
    @FunctionalInterface
    public interface Case {
        void run(Random random) throws Exception;
    }

    /** How many cases a property runs: {@code flowcore.fuzz.tries}, else 200 (the build sets 5,000 under -Pstress). */
    public static int tries() {
        return Integer.getInteger("flowcore.fuzz.tries", 200);
    }

    /** Runs {@link #tries()} cases of {@code property}, each within {@code perCase}. */
    public static void check(String property, Duration perCase, Case c) throws InterruptedException {
        long seed = Long.getLong("flowcore.fuzz.seed", System.nanoTime());
        Random seeds = new Random(seed);
        int tries = tries();
        for (int i = 0; i < tries; i++) {
            long caseSeed = seeds.nextLong();
            Throwable failure = runBounded(c, new Random(caseSeed), perCase);
            if (failure != null) {
                throw new AssertionError(property + ": case " + i + " of " + tries + " failed (rerun with "
                        + "-Dflowcore.fuzz.seed=" + seed + "): " + failure, failure);
            }
        }
    }

    private static Throwable runBounded(Case c, Random random, Duration limit) throws InterruptedException {
        FutureTask<Void> task = new FutureTask<>(() -> {
            c.run(random);
            return null;
        });
        Thread t = new Thread(task, "fuzz-case");
        t.setDaemon(true); // a hung case must not keep the JVM alive
        t.start();
        try {
            task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            t.interrupt();
            return new AssertionError("did not finish within " + limit.toMillis() / 1000.0 + " s (a hang)");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Random bytes, up to {@code max} long. */
    public static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    /** Random text without lone surrogates (what a user's Java string survives UTF-8 as), up to {@code max} chars. */
    public static String text(Random r, int max) {
        int n = r.nextInt(max + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            sb.append(kind < 6 ? (char) (0x20 + r.nextInt(0x5f)) : kind < 8 ? (char) r.nextInt(0x20)
                    : (char) (0x80 + r.nextInt(0xd700)));
        }
        return sb.toString();
    }
}
