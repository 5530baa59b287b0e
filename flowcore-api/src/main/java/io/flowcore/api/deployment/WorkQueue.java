package io.flowcore.api.deployment;

import java.time.Instant;
import java.util.Objects;

/**
 * A work queue: where runs of deployments wait until a worker serving it claims them. Its settings hold in
 * the store, across every worker: a paused queue gives out no runs; a queue with a concurrency limit gives
 * out a run only while fewer than that many of its runs are Pending, Running or Cancelling on any engine; a
 * worker serving several queues takes due runs of the queue with the lowest priority number first
 * (Prefect's convention: 1 before 10). A queue is created when a deployment names it, or explicitly.
 *
 * @param name             1-100 letters, digits, '.', '_' or '-'
 * @param paused           true while it gives out no runs
 * @param concurrencyLimit at most this many of its runs active at once; null for no limit
 * @param priority         lower is served first; 0 unless set
 * @param description      for people
 * @param createdAt        when it was created
 */
public record WorkQueue(String name, boolean paused, Integer concurrencyLimit, int priority, String description,
                        Instant createdAt) {
    public WorkQueue {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("a work queue's name must be 1-100 letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit: '" + name + "'");
        }
        if (concurrencyLimit != null && concurrencyLimit < 0) {
            throw new IllegalArgumentException("work queue '" + name + "': concurrencyLimit must be >= 0 (0 holds "
                    + "every run) or null for no limit: " + concurrencyLimit);
        }
        description = description == null ? "" : description;
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** An unpaused queue without a limit, at priority 0. */
    public static WorkQueue of(String name, Instant createdAt) {
        return new WorkQueue(name, false, null, 0, "", createdAt);
    }
}
