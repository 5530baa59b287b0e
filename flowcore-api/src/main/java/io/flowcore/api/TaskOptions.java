package io.flowcore.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The resolved options of a task: the {@link Task} annotation's values, overridden by what was set
 * programmatically (an override given to the engine configuration gets these options and returns changed ones). Records are immutable: {@code withX}
 * methods return copies.
 *
 * @param name            the task's name
 * @param taskRunName     run-name template, or "" for {@code <name>-<n>}
 * @param tags            tags
 * @param retry           retry policy
 * @param timeout         timeout, or null for none
 * @param cache           cache mode
 * @param cacheExpiration how long a cached result is valid, or null for forever
 * @param refreshCache    run even on a cache hit and replace the entry
 * @param persistResult   persist the result for caching and resume
 * @param logPrints       capture System.out/err into the run log
 */
public record TaskOptions(String name, String taskRunName, Set<String> tags, RetryPolicy retry, Duration timeout,
                          CacheMode cache, Duration cacheExpiration, boolean refreshCache, boolean persistResult,
                          boolean logPrints) {

    public TaskOptions {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("task name must not be blank");
        if (taskRunName == null) taskRunName = "";
        tags = Set.copyOf(tags);
        if (retry == null) retry = RetryPolicy.NONE;
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (cache == null) cache = CacheMode.NONE;
        if (cache != CacheMode.NONE && !persistResult) {
            throw new IllegalArgumentException("task '" + name + "': cache " + cache + " needs persistResult=true");
        }
    }

    /** Options from an annotation alone. */
    public static TaskOptions from(String defaultName, Task t) {
        List<Duration> delays = new ArrayList<>();
        for (double s : t.retryDelaySeconds()) delays.add(seconds(s));
        RetryPolicy retry = new RetryPolicy(t.retries(), delays, t.retryBackoffFactor(),
                t.retryMaxDelaySeconds() > 0 ? seconds(t.retryMaxDelaySeconds()) : null, t.retryJitterFactor(),
                Arrays.asList(t.retryOn()));
        return new TaskOptions(t.name().isEmpty() ? defaultName : t.name(), t.taskRunName(), Set.of(t.tags()), retry,
                t.timeoutSeconds() > 0 ? seconds(t.timeoutSeconds()) : null, t.cache(),
                t.cacheExpirationSeconds() > 0 ? Duration.ofSeconds(t.cacheExpirationSeconds()) : null,
                t.refreshCache(), t.persistResult(), t.logPrints());
    }

    /** Seconds as a Duration, for the annotations' values; negative is refused. */
    static Duration seconds(double s) {
        if (s < 0) throw new IllegalArgumentException("seconds cannot be negative: " + s);
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    public TaskOptions withName(String n) {
        return new TaskOptions(n, taskRunName, tags, retry, timeout, cache, cacheExpiration, refreshCache, persistResult, logPrints);
    }

    public TaskOptions withRetry(RetryPolicy r) {
        return new TaskOptions(name, taskRunName, tags, r, timeout, cache, cacheExpiration, refreshCache, persistResult, logPrints);
    }

    public TaskOptions withRetries(int retries) {
        return withRetry(new RetryPolicy(retries, retry.delays(), retry.backoffFactor(), retry.maxDelay(),
                retry.jitterFactor(), retry.retryOn()));
    }

    public TaskOptions withTimeout(Duration t) {
        return new TaskOptions(name, taskRunName, tags, retry, t, cache, cacheExpiration, refreshCache, persistResult, logPrints);
    }

    public TaskOptions withCache(CacheMode c, Duration expiration) {
        return new TaskOptions(name, taskRunName, tags, retry, timeout, c, expiration, refreshCache, persistResult, logPrints);
    }

    public TaskOptions withRefreshCache(boolean refresh) {
        return new TaskOptions(name, taskRunName, tags, retry, timeout, cache, cacheExpiration, refresh, persistResult, logPrints);
    }

    public TaskOptions withTags(Set<String> t) {
        return new TaskOptions(name, taskRunName, t, retry, timeout, cache, cacheExpiration, refreshCache, persistResult, logPrints);
    }

    public TaskOptions withPersistResult(boolean persist) {
        return new TaskOptions(name, taskRunName, tags, retry, timeout, cache, cacheExpiration, refreshCache, persist, logPrints);
    }
}
