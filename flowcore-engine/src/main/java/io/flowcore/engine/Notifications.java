package io.flowcore.engine;

import io.flowcore.api.notification.NotificationEvent;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.api.spi.NotificationStore;
import io.flowcore.engine.internal.run.NotificationSender;
import java.util.List;
import java.util.Optional;

/**
 * Notification rules and their outbox, kept in this engine's store: a flow run entering a state a rule
 * names creates one event (in the same transaction as the state change), which the engines' senders
 * deliver through the rule's notifier block at least once, retrying with backoff. See
 * {@code docs/notifications.md}.
 */
public final class Notifications {
    private final NotificationStore store;
    private final NotificationSender sender;

    Notifications(NotificationStore store, NotificationSender sender) {
        this.store = store;
        this.sender = sender;
    }

    /** Creates the rule, or replaces the one with its name. */
    public NotificationRule save(NotificationRule rule) {
        store.saveRule(rule);
        return rule;
    }

    public Optional<NotificationRule> rule(String name) {
        return store.rule(name);
    }

    /** Every rule, by name. */
    public List<NotificationRule> rules() {
        return store.rules();
    }

    /** Pauses (no new events) or resumes a rule. */
    public NotificationRule setPaused(String rule, boolean paused) {
        NotificationRule r = require(rule);
        return save(r.withPaused(paused));
    }

    /** Deletes a rule; events it already created are still delivered. */
    public void delete(String rule) {
        if (!store.deleteRule(rule)) throw new IllegalArgumentException(noRule(rule));
    }

    /** The newest events of the outbox, newest first. */
    public List<NotificationEvent> events(int limit) {
        return store.events(limit);
    }

    /** Pauses a notifier (its events wait) or resumes it (they go out). */
    public void setNotifierPaused(String notifier, boolean paused) {
        store.setNotifierPaused(notifier, paused);
    }

    /** Notifiers paused by hand or after failing too often in a row. */
    public List<String> pausedNotifiers() {
        return store.pausedNotifiers();
    }

    /** Delivers what is due now, in this thread (the engine's sender does this in the background). */
    public int deliverDue() {
        return sender.deliverDue();
    }

    /** Sends a test message through the rule's notifier now, outside the outbox; throws when it fails. */
    public void test(String rule) {
        sender.sendTest(require(rule).notifier(), rule);
    }

    private NotificationRule require(String rule) {
        return store.rule(rule).orElseThrow(() -> new IllegalArgumentException(noRule(rule)));
    }

    private String noRule(String rule) {
        return "no notification rule named '" + rule + "'; the rules are " + store.rules().stream()
                .map(NotificationRule::name).toList();
    }
}
