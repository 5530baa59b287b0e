package io.flowcore.engine.internal.run;

import io.flowcore.api.RetryPolicy;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotificationException;
import io.flowcore.api.block.NotifierBlock;
import io.flowcore.api.notification.NotificationEvent;
import io.flowcore.api.spi.NotificationStore;
import io.flowcore.api.spi.NotificationStore.ClaimedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/*
 * Delivers the outbox. Every engine on a store that keeps notifications runs one (a daemon thread polling
 * every `interval`); a pass claims due events (one sender holds an event at a time, for CLAIM_FOR), sends
 * each through its notifier block and records the outcome: delivered; a retryable failure retried with
 * the tasks' retry model (exponential backoff with jitter, capped); a final failure (a 4xx, a refused
 * login) ends the event FAILED. A notifier that fails `pauseAfter` times in a row is paused, and its
 * events wait until it is resumed. Nothing here can change a run's state.
 */
public final class NotificationSender {
    private static final Duration CLAIM_FOR = Duration.ofMinutes(2);
    private static final int BATCH = 50;
    private static final RetryPolicy BACKOFF =
            RetryPolicy.exponential(Integer.MAX_VALUE, Duration.ofSeconds(1), 2, Duration.ofMinutes(5)).withJitter(0.2);
    /** Parameter names whose values are never put in a message. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|api_?key|credential).*");

    private final Engine engine;
    private final NotificationStore store;
    private final int pauseAfter;
    private volatile Thread thread;

    public NotificationSender(Engine engine, NotificationStore store, int pauseAfter) {
        this.engine = engine;
        this.store = store;
        this.pauseAfter = pauseAfter;
    }

    /** Polls every {@code interval} until the engine closes. */
    public void start(Duration interval) {
        thread = Thread.ofPlatform().daemon().name("flowcore-notifications").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    deliverDue();
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    RunLogs.ENGINE.warn("notification sender: {}", Errors.describe(e));
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
    }

    public void stop() {
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    /** One pass: claims the due events and tries each once. Returns how many were delivered. */
    public int deliverDue() {
        Instant now = engine.clock.instant();
        List<ClaimedEvent> due = store.claimDueEvents(engine.engineId, now, now.plus(CLAIM_FOR), BATCH);
        int delivered = 0;
        for (ClaimedEvent ce : due) if (deliver(ce)) delivered++;
        return delivered;
    }

    private boolean deliver(ClaimedEvent ce) {
        NotificationEvent ev = ce.event();
        try {
            NotifierBlock notifier = engine.blocks.load(ev.notifier(), NotifierBlock.class);
            notifier.send(message(ce));
            store.delivered(ev.id(), engine.clock.instant());
            count("delivered");
            return true;
        } catch (NotificationException e) {
            failed(ev, e.getMessage(), e.retryable(), e.retryAfter().orElse(Duration.ZERO));
        } catch (RuntimeException e) {
            // a missing or unreadable block: retried, so fixing the block delivers the event
            failed(ev, Errors.describe(e), true, Duration.ZERO);
        }
        return false;
    }

    private void failed(NotificationEvent ev, String error, boolean retryable, Duration receiverAsked) {
        Duration backoff = BACKOFF.delayBefore(ev.attempts() + 1, ThreadLocalRandom.current()::nextDouble);
        // a receiver's Retry-After (Slack's rate limit) wins over a shorter backoff
        Instant retryAt = retryable ? engine.clock.instant().plus(receiverAsked.compareTo(backoff) > 0 ? receiverAsked
                : backoff) : null;
        int inARow = store.attemptFailed(ev.id(), ev.notifier(), error, retryAt);
        count(retryable ? "failed-retried" : "failed");
        RunLogs.ENGINE.warn("notification {} (rule {}) to notifier '{}' failed{}: {}", ev.id(), ev.rule(), ev.notifier(),
                retryable ? ", retried at " + retryAt : " for good", error);
        if (inARow >= pauseAfter) {
            store.setNotifierPaused(ev.notifier(), true);
            RunLogs.ENGINE.error("notifier '{}' failed {} times in a row and is paused; its notifications wait. Fix it, "
                    + "then resume it: ./flowcore notification resume-notifier {}", ev.notifier(), inARow, ev.notifier());
        }
    }

    /** Counts a delivery attempt in {@code flowcore.notification.deliveries}, tagged with its result. */
    private void count(String result) {
        if (engine.meters != null) {
            engine.meters.counter("flowcore.notification.deliveries", "result", result).increment();
        }
    }

    /** The message of a claimed event, with secret-looking parameters masked. */
    static Notification message(ClaimedEvent ce) {
        NotificationEvent ev = ce.event();
        return Notification.of(ev.id(), ce.flowName(), ev.flowRunId(), ce.runName(), ce.deployment(), ce.state().type(),
                ce.state().name(), ce.state().message(), ce.state().timestamp(), ce.startedAt(), parameters(ce.parametersJson()),
                null);
    }

    private static Map<String, String> parameters(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) return out;
        try {
            var node = ResultCodec.INSTANCE.mapper().readTree(json);
            node.fieldNames().forEachRemaining(k -> out.put(k, SECRET_NAME.matcher(k).matches() ? "********"
                    : node.get(k).isTextual() ? node.get(k).asText() : node.get(k).toString()));
        } catch (java.io.IOException e) {
            out.put("parameters", "(unreadable)");
        }
        return out;
    }

    /** A test message through the rule's notifier, delivered now (not through the outbox). */
    public void sendTest(String notifier, String rule) {
        NotifierBlock block = engine.blocks.load(Objects.requireNonNull(notifier), NotifierBlock.class);
        Instant now = engine.clock.instant();
        block.send(new Notification(java.util.UUID.randomUUID(), "flowcore test notification for rule " + rule,
                "If you read this, notification rule '" + rule + "' reaches notifier '" + notifier + "'.", "test",
                new java.util.UUID(0, 0), "test", null, io.flowcore.api.state.StateType.COMPLETED, "Test", "", now, null,
                Map.of(), null));
    }
}
