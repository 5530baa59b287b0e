package io.flowcore.api;

import io.flowcore.api.spi.Sleeper;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The one retry loop: attempts a call until it succeeds, the {@link RetryPolicy} says no more, or a failure
 * is not retryable; between attempts it waits the policy's delay through a {@link Sleeper} (tests pass one
 * that records instead of waiting). Flows and tasks follow the same policy in the engine, with their states
 * between attempts; plain loops — the downloader, opening a store, a store transaction — use this.
 */
public final class Retry {
    private Retry() {
    }

    /** One attempt, 1-based. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws Exception;
    }

    /** Told before each retry: which attempt comes next, after how long, and why. */
    @FunctionalInterface
    public interface Listener {
        void beforeRetry(int nextAttempt, Duration delay, Throwable error);
    }

    /**
     * Runs {@code attempt} under {@code policy}.
     *
     * @param retryable which failures may be retried (also subject to the policy's {@code retryOn})
     * @return the first successful attempt's result
     * @throws Exception the last failure, when it is not retryable or the retries are used up
     * @throws InterruptedException when interrupted while waiting to retry
     */
    public static <T> T call(RetryPolicy policy, Sleeper sleeper, Predicate<Throwable> retryable, Listener listener,
                             Attempt<T> attempt) throws Exception {
        for (int n = 1; ; n++) {
            try {
                return attempt.run(n);
            } catch (Exception e) {
                if (e instanceof InterruptedException || !retryable.test(e) || !policy.shouldRetry(n, e)) throw e;
                Duration delay = policy.delayBefore(n, ThreadLocalRandom.current()::nextDouble);
                listener.beforeRetry(n + 1, delay, e);
                sleeper.sleep(delay);
            }
        }
    }
}
