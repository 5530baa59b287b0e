package io.flowcore.blocks.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.block.Secret;
import io.flowcore.api.notification.NotificationEvent;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules, the outbox and its senders, with a real webhook block posting to a real HTTP receiver. */
@DisplayName("notification rules and the outbox")
class NotificationOutboxTests {
    @TempDir
    Path home;
    final ManualClock clock = new ManualClock();
    final Receiver receiver = newReceiver();

    public static class Nightly {
        @Flow(name = "nightly")
        public int load(int rows) {
            if (rows < 0) throw new IllegalStateException("the source sent " + rows + " rows");
            return rows;
        }
    }

    private static Receiver newReceiver() {
        try {
            return new Receiver();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private Flowcore engine(int failureLimit) {
        Flowcore fc = Flowcore.create(cfg -> cfg.home(home).clock(clock).notificationPolling(Duration.ZERO)
                .notifierFailureLimit(failureLimit));
        if (fc.blocks().list(Webhook.class).isEmpty()) {
            fc.blocks().save("ops", Webhook.post(Secret.of(receiver.url("/hooks/ops")), Webhook.DEFAULT_BODY_TEMPLATE));
        }
        return fc;
    }

    @Test
    void aFailedRunNotifiesItsRuleOnceAndACompletedOneDoesNot() {
        try (Flowcore fc = engine(10)) {
            fc.notifications().save(NotificationRule.of("failures", "ops", "Failed", "Crashed").forFlows("nightly"));

            FlowRun<Integer> failed = fc.execute(Nightly.class, f -> f.load(-1));
            fc.execute(Nightly.class, f -> f.load(5));
            assertEquals(1, fc.notifications().deliverDue());
            assertEquals(0, fc.notifications().deliverDue(), "delivered once");

            Receiver.Request r = receiver.only();
            NotificationEvent event = fc.notifications().events(10).getFirst();
            assertEquals(1, fc.notifications().events(10).size());
            assertEquals(event.id().toString(), r.header("Flowcore-Event-Id"));
            assertTrue(r.body().contains("\"flow\": \"nightly\""), r.body());
            assertEquals(failed.id(), event.flowRunId());
            assertEquals("DELIVERED", event.status());
            assertEquals("Failed", event.stateName());
        }
    }

    @Test
    void aReceiverThatFailsFiveTimesGetsTheEventOnceWithOneEventIdAfterBackoff() {
        for (int i = 0; i < 5; i++) receiver.answer(500, "busy");
        try (Flowcore fc = engine(10)) {
            fc.notifications().save(NotificationRule.of("failures", "ops", "failed"));
            fc.execute(Nightly.class, f -> f.load(-1));

            assertEquals(0, fc.notifications().deliverDue());
            assertEquals(0, fc.notifications().deliverDue(), "not again before its backoff");
            for (int pass = 0; pass < 20 && receiver.requests().size() < 6; pass++) {
                clock.advance(Duration.ofMinutes(10));
                fc.notifications().deliverDue();
            }
            List<Receiver.Request> requests = receiver.requests();
            assertEquals(6, requests.size());
            assertEquals(1, requests.stream().map(q -> q.header("Flowcore-Event-Id")).distinct().count());
            NotificationEvent event = fc.notifications().events(1).getFirst();
            assertEquals("DELIVERED", event.status());
            assertEquals(6, event.attempts());
            assertNull(event.lastError());
        }
    }

    @Test
    void aNotifierThatKeepsFailingIsPausedAndItsEventsGoOutOnceItIsResumed() {
        for (int i = 0; i < 3; i++) receiver.answer(503, "down");
        try (Flowcore fc = engine(3)) {
            fc.notifications().save(NotificationRule.of("failures", "ops", "FAILED"));
            fc.execute(Nightly.class, f -> f.load(-1));
            for (int i = 0; i < 3; i++) {
                fc.notifications().deliverDue();
                clock.advance(Duration.ofMinutes(10));
            }
            assertEquals(List.of("ops"), fc.notifications().pausedNotifiers());
            assertEquals(0, fc.notifications().deliverDue(), "a paused notifier's events wait");
            assertEquals(3, receiver.requests().size());

            fc.notifications().setNotifierPaused("ops", false);
            assertEquals(1, fc.notifications().deliverDue());
            assertEquals("DELIVERED", fc.notifications().events(1).getFirst().status());
        }
    }

    @Test
    void aReceiverThatRefusesTheEventEndsItFailedWithoutRetrying() {
        receiver.answer(400, "bad payload");
        try (Flowcore fc = engine(10)) {
            fc.notifications().save(NotificationRule.of("failures", "ops", "Failed"));
            fc.execute(Nightly.class, f -> f.load(-1));
            fc.notifications().deliverDue();
            clock.advance(Duration.ofHours(1));
            fc.notifications().deliverDue();
            NotificationEvent event = fc.notifications().events(1).getFirst();
            assertEquals("FAILED", event.status());
            assertEquals(1, event.attempts());
            assertTrue(event.lastError().contains("400"), event.lastError());
            assertEquals(1, receiver.requests().size());
        }
    }

    @Test
    void twoEnginesOnOneStoreCreateOneEventAndDeliverItOnce() throws Exception {
        try (Flowcore a = engine(10); Flowcore b = engine(10)) {
            a.notifications().save(NotificationRule.of("failures", "ops", "Failed"));
            assertEquals(StateType.FAILED, a.execute(Nightly.class, f -> f.load(-1)).state().type());
            CompletableFuture<Integer> fromA = CompletableFuture.supplyAsync(() -> a.notifications().deliverDue());
            CompletableFuture<Integer> fromB = CompletableFuture.supplyAsync(() -> b.notifications().deliverDue());
            assertEquals(1, fromA.get() + fromB.get());
            assertEquals(1, receiver.requests().size());
            assertEquals(1, b.notifications().events(10).size());
        }
    }

    @Test
    void aDeploymentRunThatNoWorkerStartsBecomesLateAndItsRuleNotifies() {
        try (Flowcore fc = engine(10)) {
            fc.notifications().save(NotificationRule.of("late-runs", "ops", "Late").forDeployments("nightly/late"));
            fc.deployments().apply(io.flowcore.api.deployment.Deployment.of(Nightly.class, "load", "late")
                    .withParameters(java.util.Map.of("rows", 1)));
            var run = fc.deployments().run("nightly/late", java.util.Map.of());
            clock.advance(Duration.ofSeconds(20));
            fc.deployments().schedule();

            assertEquals("Late", fc.history().flowRun(run.id()).orElseThrow().state().name());
            assertEquals(1, fc.notifications().deliverDue());
            assertTrue(receiver.only().body().contains("Late"), receiver.only().body());
            NotificationEvent event = fc.notifications().events(1).getFirst();
            assertEquals(run.id(), event.flowRunId());
            assertEquals("Late", event.stateName());
        }
    }

    @Test
    void aPausedRuleCreatesNoEventsAndAnUnknownRuleIsNamed() {
        try (Flowcore fc = engine(10)) {
            fc.notifications().save(NotificationRule.of("failures", "ops", "Failed"));
            fc.notifications().setPaused("failures", true);
            fc.execute(Nightly.class, f -> f.load(-1));
            assertEquals(List.of(), fc.notifications().events(10));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> fc.notifications().setPaused("failurse", false));
            assertTrue(e.getMessage().contains("no notification rule named 'failurse'; the rules are [failures]"),
                    e.getMessage());
        }
    }
}
