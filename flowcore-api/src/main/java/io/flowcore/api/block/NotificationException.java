package io.flowcore.api.block;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@link NotifierBlock} could not deliver a notification. The message says what the receiver
 * answered (status, the start of its answer) and never holds a secret.
 */
public class NotificationException extends BlockException {
    private final boolean retryable;
    private final int status;
    private final Duration retryAfter;

    /**
     * @param retryable whether sending the same notification again may succeed
     * @param status    the receiver's status code (HTTP status, SMTP reply code), or -1 if it gave none
     */
    public NotificationException(String message, boolean retryable, int status) {
        this(message, retryable, status, null);
    }

    /**
     * @param retryAfter how long the receiver asked to wait before the next attempt (HTTP {@code Retry-After}),
     *                   or null
     */
    public NotificationException(String message, boolean retryable, int status, Duration retryAfter) {
        super(message);
        this.retryable = retryable;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /**
     * How long the receiver asked to wait before trying again (a 429 or 503 with {@code Retry-After}
     * in seconds), if it said; a retry policy should wait at least that long.
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** True when a later attempt may succeed: a timeout, a connection failure, a 5xx or 429, an SMTP 4xx reply. */
    public boolean retryable() {
        return retryable;
    }

    /** The receiver's status code (HTTP status or SMTP reply code), or -1 when there was no answer. */
    public int status() {
        return status;
    }
}
