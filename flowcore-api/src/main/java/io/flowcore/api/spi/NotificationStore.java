package io.flowcore.api.spi;

import io.flowcore.api.notification.NotificationEvent;
import io.flowcore.api.notification.NotificationRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Notification rules and the outbox, kept in the run store beside {@link StateStore}. The store creates an
 * event in the same transaction as a matching state change; senders claim due events, deliver them and
 * record the outcome. Every method has reached the database when it returns.
 */
public interface NotificationStore {

    /** Creates the rule, or replaces the one with its name. */
    void saveRule(NotificationRule rule);

    Optional<NotificationRule> rule(String name);

    /** Every rule, by name. */
    List<NotificationRule> rules();

    /** Deletes the rule; its events already created stay in the outbox. False when there was none. */
    boolean deleteRule(String name);

    /** The newest events, newest first. */
    List<NotificationEvent> events(int limit);

    /**
     * Claims up to {@code limit} pending events due at {@code now} whose notifier is not paused, for
     * {@code engineId} until {@code claimUntil}; two callers never hold one event at once (a claim that
     * ran out may be taken again, so delivery is at least once).
     */
    List<ClaimedEvent> claimDueEvents(String engineId, Instant now, Instant claimUntil, int limit);

    /** Records a delivery; the notifier's run of failures ends. */
    void delivered(UUID eventId, Instant at);

    /**
     * Records a failed attempt: the event is retried at {@code retryAt}, or ends FAILED when null. Returns
     * the notifier's failures in a row, counting this one.
     */
    int attemptFailed(UUID eventId, String notifier, String error, Instant retryAt);

    /** Pauses or resumes a notifier: a paused notifier's events stay queued. */
    void setNotifierPaused(String notifier, boolean paused);

    /** The notifiers that are paused. */
    List<String> pausedNotifiers();

    /** A claimed event with what a message needs. */
    record ClaimedEvent(NotificationEvent event, String flowName, String runName, String deployment,
                        io.flowcore.api.state.State state, Instant startedAt, String parametersJson) {
    }
}
