package io.flowcore.blocks.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotifierBlock;
import io.flowcore.api.block.Secret;
import io.flowcore.api.state.StateType;
import java.util.Map;

/**
 * Posts notifications to a Microsoft Teams channel: an Adaptive Card in a message (what a Teams
 * "Workflows" webhook expects) or, for the older Office 365 connector webhooks, a MessageCard.
 *
 * <pre>{@code
 * blocks.save("ops-teams", TeamsWebhook.of(Secret.of(System.getenv("TEAMS_WEBHOOK_URL"))));
 * }</pre>
 *
 * @param url            the webhook URL; a secret (it carries its token). Errors show only its host
 * @param cardFormat     {@link CardFormat#ADAPTIVE_CARD} (default) or {@link CardFormat#MESSAGE_CARD}
 * @param timeoutSeconds the limit on one request, connection included (default 30)
 */
@BlockType(description = "Microsoft Teams webhook: posts notifications as an Adaptive Card or a MessageCard")
public record TeamsWebhook(Secret url, CardFormat cardFormat, Integer timeoutSeconds) implements NotifierBlock {
    private static final String SLUG = "teams-webhook";
    // Teams refuses messages over about 28 KB; a long message (a stack trace) is cut to fit.
    private static final int TEXT_CHARS = 8000;

    /** The JSON a Teams webhook is sent. */
    public enum CardFormat {
        /** {@code {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",…}]}}. */
        ADAPTIVE_CARD,
        /** The legacy {@code {"@type":"MessageCard",…}} of Office 365 connectors. */
        MESSAGE_CARD
    }

    public TeamsWebhook {
        HttpDelivery.checkUrl(url, SLUG, "url");
        HttpDelivery.timeout(timeoutSeconds, SLUG);
        if (cardFormat == null) cardFormat = CardFormat.ADAPTIVE_CARD;
    }

    /** A Teams webhook sent Adaptive Cards, with the default timeout. */
    public static TeamsWebhook of(Secret url) {
        return new TeamsWebhook(url, CardFormat.ADAPTIVE_CARD, null);
    }

    /** @throws io.flowcore.api.block.NotificationException when Teams does not accept the card */
    @Override
    public void send(Notification n) {
        HttpDelivery.send(SLUG, HttpDelivery.checkUrl(url, SLUG, "url"), "POST", Map.of(), body(n), n,
                HttpDelivery.timeout(timeoutSeconds, SLUG));
    }

    /** The JSON body sent for {@code n}. */
    String body(Notification n) {
        return cardFormat == CardFormat.MESSAGE_CARD ? messageCard(n) : adaptiveCard(n);
    }

    private static String adaptiveCard(Notification n) {
        ObjectNode root = Json.object().put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject()
                .put("contentType", "application/vnd.microsoft.card.adaptive").putNull("contentUrl");
        ObjectNode card = attachment.putObject("content")
                .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard").put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", n.title()).put("weight", "Bolder").put("size", "Medium")
                .put("wrap", true);
        if (!n.body().isBlank()) {
            body.addObject().put("type", "TextBlock").put("text", Template.abbreviate(n.body(), TEXT_CHARS)).put("wrap", true);
        }
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        facts(n).forEach((k, v) -> facts.addObject().put("title", k).put("value", v));
        if (n.link() != null) {
            card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "View the run")
                    .put("url", n.link());
        }
        return Json.write(root);
    }

    private static String messageCard(Notification n) {
        ObjectNode root = Json.object().put("@type", "MessageCard").put("@context", "https://schema.org/extensions")
                .put("summary", n.title()).put("themeColor", color(n.stateType())).put("title", n.title())
                .put("text", Template.abbreviate(n.body(), TEXT_CHARS));
        ArrayNode facts = root.putArray("sections").addObject().putArray("facts");
        facts(n).forEach((k, v) -> facts.addObject().put("name", k).put("value", v));
        if (n.link() != null) {
            root.putArray("potentialAction").addObject().put("@type", "OpenUri").put("name", "View the run")
                    .putArray("targets").addObject().put("os", "default").put("uri", n.link());
        }
        return Json.write(root);
    }

    private static Map<String, String> facts(Notification n) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("Flow", n.flowName());
        f.put("Run", n.runName());
        f.put("State", n.stateName());
        f.put("At", n.occurredAt().toString());
        f.put("Event id", n.eventId().toString());
        return f;
    }

    private static String color(StateType type) {
        return switch (type) {
            case FAILED, CRASHED -> "D93F0B";
            case COMPLETED -> "2EB67D";
            default -> "8A8A8A";
        };
    }
}
