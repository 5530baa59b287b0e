package io.flowcore.data.download;

import io.flowcore.api.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Downloader} retries, times out and reports.
 *
 * @param maxAttempts      attempts in all (first try included), at least 1
 * @param initialBackoff   the wait before the second attempt; doubled each time
 * @param maxBackoff       the longest wait between attempts
 * @param progressInterval how often progress is logged
 * @param timeout          the connect timeout, and the longest wait for the response headers
 * @param bodyIdleTimeout  the longest silence while reading the body: a server that sends nothing
 *                         for this long fails the attempt (the next one resumes with a Range request)
 */
public record DownloadOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                              Duration progressInterval, Duration timeout, Duration bodyIdleTimeout) {

    /** @throws IllegalArgumentException naming the bad value */
    public DownloadOptions {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(progressInterval, "progressInterval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: " + initialBackoff + ", " + maxBackoff);
        }
        if (!timeout.isPositive()) throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        if (!bodyIdleTimeout.isPositive()) {
            throw new IllegalArgumentException("bodyIdleTimeout must be positive, was " + bodyIdleTimeout);
        }
    }

    /** 5 attempts, 1 s backoff doubling to 30 s, progress every 5 s, 30 s timeout, 30 s body idle timeout. */
    public static DownloadOptions defaults() {
        return new DownloadOptions(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** A copy with {@code maxAttempts} and {@code initialBackoff}. */
    public DownloadOptions withRetries(int maxAttempts, Duration initialBackoff) {
        return new DownloadOptions(maxAttempts, initialBackoff, maxBackoff, progressInterval, timeout, bodyIdleTimeout);
    }

    /** A copy that logs progress every {@code interval}. */
    public DownloadOptions withProgressInterval(Duration interval) {
        return new DownloadOptions(maxAttempts, initialBackoff, maxBackoff, interval, timeout, bodyIdleTimeout);
    }

    /** A copy that fails an attempt whose body sends nothing for {@code idle}. */
    public DownloadOptions withBodyIdleTimeout(Duration idle) {
        return new DownloadOptions(maxAttempts, initialBackoff, maxBackoff, progressInterval, timeout, idle);
    }

    /**
     * The retry policy these options describe: {@code maxAttempts - 1} retries, waiting
     * {@code initialBackoff}, doubled each time up to {@code maxBackoff} (the one retry model, {@link RetryPolicy}).
     */
    public RetryPolicy retryPolicy() {
        return RetryPolicy.exponential(maxAttempts - 1, initialBackoff, 2, maxBackoff);
    }
}
