package io.flowcore.api;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When and how often a failed run is retried. Pure values and math: no clock, no sleeping.
 *
 * @param retries       how many retries after the first attempt (0 = none)
 * @param delays        delay before retry 1, 2, …; the last one repeats; empty = no delay
 * @param backoffFactor &gt; 1 turns the first delay into first × factor^(n-1)
 * @param maxDelay      cap for a computed delay, or null
 * @param jitterFactor  0..1: each delay is scaled by a random value in [1 - j, 1 + j]
 * @param retryOn       only these exceptions are retried; empty = all
 */
public record RetryPolicy(int retries, List<Duration> delays, double backoffFactor, Duration maxDelay,
                          double jitterFactor, List<Class<? extends Throwable>> retryOn) {

    public static final RetryPolicy NONE = new RetryPolicy(0, List.of(), 0, null, 0, List.of());

    public RetryPolicy {
        if (retries < 0) throw new IllegalArgumentException("retries cannot be negative: " + retries);
        if (backoffFactor < 0) throw new IllegalArgumentException("backoffFactor cannot be negative: " + backoffFactor);
        if (jitterFactor < 0 || jitterFactor > 1) {
            throw new IllegalArgumentException("jitterFactor must be within 0..1: " + jitterFactor);
        }
        delays = List.copyOf(delays);
        for (Duration d : delays) {
            if (d.isNegative()) throw new IllegalArgumentException("retry delay cannot be negative: " + d);
        }
        retryOn = List.copyOf(retryOn);
    }

    /** {@code retries} retries with a fixed delay. */
    public static RetryPolicy fixed(int retries, Duration delay) {
        return new RetryPolicy(retries, List.of(delay), 0, null, 0, List.of());
    }

    /** {@code retries} retries with delays first, first×factor, first×factor², … capped at max (may be null). */
    public static RetryPolicy exponential(int retries, Duration first, double factor, Duration max) {
        return new RetryPolicy(retries, List.of(first), factor, max, 0, List.of());
    }

    public RetryPolicy withJitter(double factor) {
        return new RetryPolicy(retries, delays, backoffFactor, maxDelay, factor, retryOn);
    }

    @SafeVarargs
    public final RetryPolicy retryingOn(Class<? extends Throwable>... types) {
        return new RetryPolicy(retries, delays, backoffFactor, maxDelay, jitterFactor, List.of(types));
    }

    /** Whether the failure of attempt {@code attempt} (1-based) with {@code error} is retried. */
    public boolean shouldRetry(int attempt, Throwable error) {
        if (attempt > retries) return false;
        if (retryOn.isEmpty()) return true;
        for (Class<? extends Throwable> t : retryOn) {
            if (t.isInstance(error)) return true;
        }
        return false;
    }

    /**
     * The delay before retry number {@code retry} (1-based).
     *
     * @param random supplies values in [0, 1) for jitter
     */
    public Duration delayBefore(int retry, DoubleSupplier random) {
        if (retry < 1) throw new IllegalArgumentException("retry is 1-based: " + retry);
        if (delays.isEmpty()) return Duration.ZERO;
        double nanos;
        if (backoffFactor > 1) {
            nanos = delays.getFirst().toNanos() * Math.pow(backoffFactor, retry - 1);
        } else {
            nanos = delays.get(Math.min(retry, delays.size()) - 1).toNanos();
        }
        if (maxDelay != null) nanos = Math.min(nanos, maxDelay.toNanos());
        if (jitterFactor > 0) nanos *= 1 - jitterFactor + 2 * jitterFactor * random.getAsDouble();
        return Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE));
    }
}
