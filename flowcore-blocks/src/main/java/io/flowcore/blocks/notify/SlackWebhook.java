package io.flowcore.blocks.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotifierBlock;
import io.flowcore.api.block.Secret;
import java.util.Map;

/**
 * Posts notifications to a Slack channel through an incoming webhook: a message whose {@code text}
 * is the notification's title (shown in Slack's alerts) and whose blocks show the title, the body, the
 * flow, run, state and event id, and a link to the run when there is one.
 *
 * <pre>{@code
 * blocks.save("ops-slack", SlackWebhook.of(Secret.of(System.getenv("SLACK_WEBHOOK_URL"))));
 * }</pre>
 *
 * @param url            the incoming webhook URL ({@code https://hooks.slack.com/services/…}); a secret, since
 *                       whoever has it can post to the channel. Errors show only its host
 * @param timeoutSeconds the limit on one request, connection included (default 30)
 */
@BlockType(description = "Slack incoming webhook: posts notifications to a channel")
public record SlackWebhook(Secret url, Integer timeoutSeconds) implements NotifierBlock {
    private static final String SLUG = "slack-webhook";
    // Slack's limits: header text 150 characters, section text 3000.
    private static final int HEADER_CHARS = 150;
    private static final int SECTION_CHARS = 3000;

    public SlackWebhook {
        HttpDelivery.checkUrl(url, SLUG, "url");
        HttpDelivery.timeout(timeoutSeconds, SLUG);
    }

    /** A Slack webhook with the default timeout. */
    public static SlackWebhook of(Secret url) {
        return new SlackWebhook(url, null);
    }

    /** @throws io.flowcore.api.block.NotificationException when Slack does not accept the message */
    @Override
    public void send(Notification n) {
        HttpDelivery.send(SLUG, HttpDelivery.checkUrl(url, SLUG, "url"), "POST", Map.of(), body(n), n,
                HttpDelivery.timeout(timeoutSeconds, SLUG));
    }

    /** The JSON body sent for {@code n}. */
    static String body(Notification n) {
        ObjectNode root = Json.object();
        root.put("text", mrkdwn(n.title()));
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", Template.abbreviate(n.title(), HEADER_CHARS - 1));
        if (!n.body().isBlank()) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", Template.abbreviate(mrkdwn(n.body()), SECTION_CHARS - 1));
        }
        String facts = "Flow *" + mrkdwn(n.flowName()) + "* · run *" + mrkdwn(n.runName()) + "* · state *"
                + mrkdwn(n.stateName()) + "* · event " + n.eventId();
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn").put("text", facts);
        if (n.link() != null) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", "<" + n.link() + "|View the run>");
        }
        return Json.write(root);
    }

    /** Slack's mrkdwn escapes: &, < and > (the rest is literal). */
    private static String mrkdwn(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
