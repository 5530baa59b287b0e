package io.flowcore.blocks.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotificationException;
import io.flowcore.api.block.Secret;
import io.flowcore.api.state.StateType;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slack, Teams and the generic webhook against a real HTTP receiver on loopback. */
class WebhookNotifiersTests {
    static final UUID EVENT = UUID.fromString("6f1c1b5e-0000-4000-8000-000000000001");
    static final UUID RUN = UUID.fromString("0a0b0c0d-0000-4000-8000-000000000002");
    static final String SECRET_PATH = "/services/T000/B000/xoxSecretToken42";

    private final Receiver receiver = newReceiver();
    private final ObjectMapper json = new ObjectMapper();

    static Notification failed() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("month", "1");
        params.put("color", "yellow");
        return Notification.of(EVENT, "etl-web-to-lake", RUN, "brave-otter", "monthly-etl", StateType.FAILED, "Failed",
                "Task 'fetch' failed: HTTP 404 <not found> & \"gone\"", Instant.parse("2026-01-01T10:15:30Z"),
                Instant.parse("2026-01-01T10:00:00Z"), params, "https://flowcore.example/runs/brave-otter");
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

    @Test
    void slackGetsTextAndBlocksWithTheEventIdHeader() throws Exception {
        SlackWebhook.of(Secret.of(receiver.url(SECRET_PATH))).send(failed());

        Receiver.Request r = receiver.only();
        assertEquals("POST", r.method());
        assertEquals(SECRET_PATH, r.path());
        assertEquals(EVENT.toString(), r.header("Flowcore-Event-Id"));
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
        assertEquals(json.readTree("""
                {"text": "Flow run etl-web-to-lake/brave-otter entered Failed",
                 "blocks": [
                   {"type": "header", "text": {"type": "plain_text", "text": "Flow run etl-web-to-lake/brave-otter entered Failed"}},
                   {"type": "section", "text": {"type": "mrkdwn",
                     "text": "Task 'fetch' failed: HTTP 404 &lt;not found&gt; &amp; \\"gone\\"\\nFailed at 2026-01-01T10:15:30Z (started 2026-01-01T10:00:00Z)"}},
                   {"type": "context", "elements": [{"type": "mrkdwn",
                     "text": "Flow *etl-web-to-lake* · run *brave-otter* · state *Failed* · event 6f1c1b5e-0000-4000-8000-000000000001"}]},
                   {"type": "section", "text": {"type": "mrkdwn", "text": "<https://flowcore.example/runs/brave-otter|View the run>"}}
                 ]}"""), json.readTree(r.body()));
    }

    @Test
    void teamsGetsAnAdaptiveCardByDefault() throws Exception {
        TeamsWebhook.of(Secret.of(receiver.url("/webhookb2/abc/IncomingWebhook/def"))).send(failed());

        Receiver.Request r = receiver.only();
        assertEquals(EVENT.toString(), r.header("Flowcore-Event-Id"));
        assertEquals(json.readTree("""
                {"type": "message", "attachments": [{
                  "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null,
                  "content": {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
                    "body": [
                      {"type": "TextBlock", "text": "Flow run etl-web-to-lake/brave-otter entered Failed", "weight": "Bolder", "size": "Medium", "wrap": true},
                      {"type": "TextBlock", "text": "Task 'fetch' failed: HTTP 404 <not found> & \\"gone\\"\\nFailed at 2026-01-01T10:15:30Z (started 2026-01-01T10:00:00Z)", "wrap": true},
                      {"type": "FactSet", "facts": [
                        {"title": "Flow", "value": "etl-web-to-lake"}, {"title": "Run", "value": "brave-otter"},
                        {"title": "State", "value": "Failed"}, {"title": "At", "value": "2026-01-01T10:15:30Z"},
                        {"title": "Event id", "value": "6f1c1b5e-0000-4000-8000-000000000001"}]}],
                    "actions": [{"type": "Action.OpenUrl", "title": "View the run", "url": "https://flowcore.example/runs/brave-otter"}]}}]}
                """), json.readTree(r.body()));
    }

    @Test
    void teamsGetsAMessageCardWhenAskedFor() throws Exception {
        new TeamsWebhook(Secret.of(receiver.url("/hook")), TeamsWebhook.CardFormat.MESSAGE_CARD, null).send(failed());

        assertEquals(json.readTree("""
                {"@type": "MessageCard", "@context": "https://schema.org/extensions",
                 "summary": "Flow run etl-web-to-lake/brave-otter entered Failed", "themeColor": "D93F0B",
                 "title": "Flow run etl-web-to-lake/brave-otter entered Failed",
                 "text": "Task 'fetch' failed: HTTP 404 <not found> & \\"gone\\"\\nFailed at 2026-01-01T10:15:30Z (started 2026-01-01T10:00:00Z)",
                 "sections": [{"facts": [
                   {"name": "Flow", "value": "etl-web-to-lake"}, {"name": "Run", "value": "brave-otter"},
                   {"name": "State", "value": "Failed"}, {"name": "At", "value": "2026-01-01T10:15:30Z"},
                   {"name": "Event id", "value": "6f1c1b5e-0000-4000-8000-000000000001"}]}],
                 "potentialAction": [{"@type": "OpenUri", "name": "View the run",
                   "targets": [{"os": "default", "uri": "https://flowcore.example/runs/brave-otter"}]}]}
                """), json.readTree(receiver.only().body()));
    }

    @Test
    void aWebhookRendersItsTemplateJsonEscapedWithCustomHeadersAndAnHmacOverTheExactBytes() throws Exception {
        String key = "hmac-key-" + UUID.randomUUID();
        Webhook hook = new Webhook(Secret.of(receiver.url("/hooks/flowcore?token=abc")), "PUT",
                Map.of("X-Team", "data-eng"), Map.of("Authorization", Secret.of("Bearer tok-" + key)),
                "{\"summary\": \"{{ flow }}/{{ run }} is {{ state }} ({{ stateType }})\", \"why\": \"{{ message }}\","
                        + " \"params\": \"{{ parameters }}\", \"id\": \"{{eventId}}\"}",
                Secret.of(key), null, null);
        hook.send(failed());

        Receiver.Request r = receiver.only();
        assertEquals("PUT", r.method());
        assertEquals("/hooks/flowcore", r.path());
        assertEquals("token=abc", r.query());
        assertEquals("{\"summary\": \"etl-web-to-lake/brave-otter is Failed (FAILED)\","
                + " \"why\": \"Task 'fetch' failed: HTTP 404 <not found> & \\\"gone\\\"\","
                + " \"params\": \"month=1, color=yellow\", \"id\": \"6f1c1b5e-0000-4000-8000-000000000001\"}", r.body());
        assertEquals("data-eng", r.header("X-Team"));
        assertEquals("Bearer tok-" + key, r.header("Authorization"));
        assertEquals(EVENT.toString(), r.header("Flowcore-Event-Id"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body().getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, r.header("Flowcore-Signature"));
    }

    @Test
    void theDefaultWebhookBodyCarriesEveryField() throws Exception {
        Webhook.post(Secret.of(receiver.url("/h")), null).send(failed());
        JsonNode body = json.readTree(receiver.only().body());
        assertEquals(json.readTree("""
                {"eventId": "6f1c1b5e-0000-4000-8000-000000000001", "flow": "etl-web-to-lake", "run": "brave-otter",
                 "runId": "0a0b0c0d-0000-4000-8000-000000000002", "deployment": "monthly-etl",
                 "stateType": "FAILED", "state": "Failed", "message": "Task 'fetch' failed: HTTP 404 <not found> & \\"gone\\"",
                 "occurredAt": "2026-01-01T10:15:30Z", "startedAt": "2026-01-01T10:00:00Z",
                 "title": "Flow run etl-web-to-lake/brave-otter entered Failed",
                 "body": "Task 'fetch' failed: HTTP 404 <not found> & \\"gone\\"\\nFailed at 2026-01-01T10:15:30Z (started 2026-01-01T10:00:00Z)",
                 "link": "https://flowcore.example/runs/brave-otter"}"""), body);
        assertNull(receiver.only().header("Flowcore-Signature"), "no key, no signature");
    }

    @Test
    void a500IsRetryableAndTheRetryCarriesTheSameEventId() {
        receiver.answer(500, "upstream down").answer(503, "").answer(500, "x").answer(502, "").answer(500, "again");
        SlackWebhook slack = SlackWebhook.of(Secret.of(receiver.url(SECRET_PATH)));
        int refused = 0;
        while (true) {
            try {
                slack.send(failed());
                break;
            } catch (NotificationException e) {
                assertTrue(e.retryable(), e.getMessage());
                assertTrue(e.status() >= 500, e.getMessage());
                refused++;
                if (refused > 5) throw e;
            }
        }
        assertEquals(5, refused);
        assertEquals(6, receiver.requests().size());
        assertTrue(receiver.requests().stream().allMatch(r -> EVENT.toString().equals(r.header("Flowcore-Event-Id"))));
    }

    @Test
    void a500SaysWhatTheReceiverAnswered() {
        receiver.answer(500, "upstream down");
        NotificationException e = assertThrows(NotificationException.class,
                () -> SlackWebhook.of(Secret.of(receiver.url(SECRET_PATH))).send(failed()));
        assertTrue(e.retryable());
        assertEquals(500, e.status());
        assertEquals("slack-webhook: event " + EVENT + " to " + receiver.url("") + " was refused: HTTP 500 upstream down"
                + " (retryable)", e.getMessage());
    }

    @Test
    void a429PassesOnHowLongTheReceiverAskedToWait() {
        receiver.answer(429, "rate_limited", Map.of("Retry-After", "7"));
        NotificationException e = assertThrows(NotificationException.class,
                () -> SlackWebhook.of(Secret.of(receiver.url(SECRET_PATH))).send(failed()));
        assertTrue(e.retryable());
        assertEquals(429, e.status());
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(7)), e.retryAfter());
        assertTrue(e.getMessage().endsWith("HTTP 429 rate_limited (retryable); the receiver asks to wait 7 s"), e.getMessage());
    }

    @Test
    void a400IsNotRetryableAndTheMessageHidesTheWebhooksSecretPathAndQuery() {
        // A receiver that echoes the request back must not leak the secret through the error either.
        receiver.answer(400, "invalid_payload for " + SECRET_PATH + "?sig=qs-secret-77 " + "x".repeat(1000));
        NotificationException e = assertThrows(NotificationException.class,
                () -> Webhook.post(Secret.of(receiver.url(SECRET_PATH + "?sig=qs-secret-77")), null).send(failed()));
        assertFalse(e.retryable());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("webhook: event " + EVENT + " to " + receiver.url("")
                + " was refused: HTTP 400 invalid_payload for …?…"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(not retried: check the block's URL, headers and body)"), e.getMessage());
        assertFalse(e.getMessage().contains("xoxSecretToken42"), e.getMessage());
        assertFalse(e.getMessage().contains("qs-secret-77"), e.getMessage());
        assertTrue(e.getMessage().length() < 600, "the answer is truncated: " + e.getMessage().length());
    }

    @Test
    void anUnreachableReceiverIsRetryable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        NotificationException e = assertThrows(NotificationException.class,
                () -> SlackWebhook.of(Secret.of("http://127.0.0.1:" + closedPort + SECRET_PATH)).send(failed()));
        assertTrue(e.retryable());
        assertEquals(-1, e.status());
        assertTrue(e.getMessage().startsWith("slack-webhook: event " + EVENT + " to http://127.0.0.1:" + closedPort
                + " failed: ConnectException"), e.getMessage());
        assertFalse(e.getMessage().contains("xoxSecretToken42"), e.getMessage());
    }

    @Test
    void aReceiverThatDoesNotAnswerTimesOutRetryably() {
        receiver.hold();
        NotificationException e = assertThrows(NotificationException.class,
                () -> new SlackWebhook(Secret.of(receiver.url(SECRET_PATH)), 1).send(failed()));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(e.getMessage().contains("a retry carries the same event id"), e.getMessage());
    }
}
