package io.flowcore.api.block;

/**
 * A block that delivers {@link Notification}s to people or systems: a chat webhook, a generic
 * webhook, email. Delivery is synchronous and bounded in time (a connect timeout and a timeout on the
 * whole request), so a caller that retries (the notification outbox) never waits forever.
 *
 * <p>Delivery is at least once: a request that timed out may have arrived, and the caller sends the
 * event again. Every attempt of one event carries its {@link Notification#eventId()}, so receivers can
 * drop the duplicate.
 */
public interface NotifierBlock extends Block {

    /**
     * Delivers {@code notification} once.
     *
     * @throws NotificationException when the receiver did not accept it; {@link NotificationException#retryable()}
     *                               says whether sending it again may help (a timeout, a refused connection, a
     *                               5xx or 429) or not (a 4xx, a rejected login, an invalid address). The message
     *                               names the block type and the receiver's host, its status and the start of its
     *                               answer, never a secret (password, key, a webhook URL's path or query)
     */
    void send(Notification notification);
}
