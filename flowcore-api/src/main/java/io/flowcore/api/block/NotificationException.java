package io.flowcore.api.block;

/**
 * A {@link NotifierBlock} could not deliver a notification. The message says what the receiver
 * answered (status, the start of its answer) and never holds a secret.
 */
public class NotificationException extends BlockException {
    private final boolean retryable;
    private final int status;

    /**
     * @param retryable whether sending the same notification again may succeed
     * @param status    the receiver's status code (HTTP status, SMTP reply code), or -1 if it gave none
     */
    public NotificationException(String message, boolean retryable, int status) {
        super(message);
        this.retryable = retryable;
        this.status = status;
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
