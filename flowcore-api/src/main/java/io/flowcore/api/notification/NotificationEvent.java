package io.flowcore.api.notification;

import java.time.Instant;
import java.util.UUID;

/**
 * One notification in the outbox: a run entered a state a rule names. Created once per (rule, run, state),
 * whatever number of engines see the change, and delivered at least once.
 *
 * @param id            the event id, sent with every delivery attempt so receivers can drop duplicates
 * @param rule          the rule's name
 * @param notifier      the notifier block's name
 * @param flowRunId     the run
 * @param stateName     the state the run entered
 * @param status        {@code PENDING} (waiting or retrying), {@code DELIVERED}, or {@code FAILED} (the receiver
 *                      refused it for good, e.g. a 4xx)
 * @param attempts      delivery attempts so far
 * @param nextAttemptAt when the next attempt is due (pending events)
 * @param lastError     the last attempt's error, or null
 * @param createdAt     when the state change created it
 * @param deliveredAt   when it was delivered, or null
 */
public record NotificationEvent(UUID id, String rule, String notifier, UUID flowRunId, String stateName, String status,
                                int attempts, Instant nextAttemptAt, String lastError, Instant createdAt,
                                Instant deliveredAt) {
}
