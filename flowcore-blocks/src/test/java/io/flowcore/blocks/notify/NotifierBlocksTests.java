package io.flowcore.blocks.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.FlowcoreBlockTypes;
import io.flowcore.engine.Blocks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier blocks' configuration: registration, secrets at rest, templates and values checked when built. */
class NotifierBlocksTests {
    @TempDir
    Path home;

    @Test
    void theNotifierTypesAreRegisteredUnderStableSlugs() {
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(SlackWebhook.class, blocks.types().get("slack-webhook"));
            assertEquals(TeamsWebhook.class, blocks.types().get("teams-webhook"));
            assertEquals(Webhook.class, blocks.types().get("webhook"));
            assertEquals(EmailServer.class, blocks.types().get("email-server"));
            assertEquals(EmailNotifier.class, blocks.types().get("email-notifier"));
        }
        assertTrue(new FlowcoreBlockTypes().blockTypes().containsAll(
                List.of(SlackWebhook.class, TeamsWebhook.class, Webhook.class, EmailServer.class, EmailNotifier.class)));
    }

    @Test
    void webhookUrlsKeysAndPasswordsAreEncryptedAtRestAndLoadBack() throws Exception {
        String slackUrl = "https://hooks.slack.com/services/T0/B0/" + UUID.randomUUID();
        String hookUrl = "https://example.com/hook?token=" + UUID.randomUUID();
        String hmac = "hmac-" + UUID.randomUUID();
        String password = "pw-" + UUID.randomUUID();
        String token = "tok-" + UUID.randomUUID();
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("slack", SlackWebhook.of(Secret.of(slackUrl)));
            blocks.save("teams", TeamsWebhook.of(Secret.of(slackUrl.replace("hooks.slack.com", "x.webhook.office.com"))));
            blocks.save("hook", Webhook.post(Secret.of(hookUrl), null).signedWith(Secret.of(hmac)).withHeader("X-A", "b")
                    .withSecretHeader("Authorization", Secret.of("Bearer " + token)));
            blocks.save("smtp", EmailServer.of("smtp.example.com", 465, "alerts", Secret.of(password), EmailServer.Security.SSL));
            blocks.save("mail", EmailNotifier.of("smtp", "flowcore@example.com", List.of("oncall@example.com")));

            assertEquals(slackUrl, blocks.load("slack", SlackWebhook.class).url().reveal());
            Webhook hook = blocks.load("hook", Webhook.class);
            assertEquals(hmac, hook.hmacKey().reveal());
            assertEquals(Map.of("X-A", "b"), hook.headers());
            assertEquals("Bearer " + token, hook.secretHeaders().get("Authorization").reveal());
            String maskedHook = blocks.toMaskedJson(hook);
            assertTrue(maskedHook.contains("\"Authorization\" : \"********\""), maskedHook);
            assertEquals(Webhook.DEFAULT_BODY_TEMPLATE, hook.bodyTemplate());
            EmailNotifier mail = blocks.load("mail", EmailNotifier.class);
            assertEquals(password, mail.server().get().password().reveal());
            assertEquals(List.of("oncall@example.com"), mail.to());
            String masked = blocks.toMaskedJson(blocks.load("slack", SlackWebhook.class));
            assertTrue(masked.contains("\"url\" : \"********\""), masked);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT group_concat(document) FROM blocks")) {
            rs.next();
            String stored = rs.getString(1);
            for (String secret : List.of(slackUrl, hookUrl, hmac, password, token, "T0/B0/")) {
                assertFalse(stored.contains(secret), secret + " in " + stored);
            }
        }
    }

    @Test
    void anUnknownPlaceholderIsRefusedWhenTheBlockIsBuiltNamingIt() {
        BlockException e = assertThrows(BlockException.class,
                () -> Webhook.post(Secret.of("https://example.com/h"), "{\"text\": \"{{ flow }} {{ flw }}\"}"));
        assertTrue(e.getMessage().startsWith("webhook: 'bodyTemplate': unknown placeholder '{{ flw }}'; known placeholders:"
                + " {{ eventId }}, {{ title }}, {{ body }}, {{ flow }}, {{ run }}, {{ runId }}, {{ deployment }}, {{ state }}"),
                e.getMessage());
        BlockException subject = assertThrows(BlockException.class, () -> EmailNotifier.of("smtp", "a@example.com",
                List.of("b@example.com")).withTemplates("{{ state.name }} in {{ flow }}", null));
        assertTrue(subject.getMessage().startsWith("email-notifier: 'subjectTemplate': unknown placeholder '{{ state.name }}'"),
                subject.getMessage());
        BlockException unclosed = assertThrows(BlockException.class,
                () -> EmailNotifier.of("smtp", "a@example.com", List.of("b@example.com")).withTemplates(null, "{{ flow"));
        assertTrue(unclosed.getMessage().contains("'bodyTemplate': a placeholder opened with '{{' is not closed"),
                unclosed.getMessage());
    }

    @Test
    void aWebhookTemplateThatIsNotJsonOnceFilledInIsRefused() {
        BlockException e = assertThrows(BlockException.class,
                () -> Webhook.post(Secret.of("https://example.com/h"), "{\"text\": {{ message }}}"));
        assertTrue(e.getMessage().startsWith("webhook: 'bodyTemplate' is not valid JSON once filled in"), e.getMessage());
        assertTrue(e.getMessage().endsWith("placeholders go inside JSON strings: \"{{ flow }}\""), e.getMessage());
    }

    @Test
    void badWebhookSettingsAreRefusedNamingTheFieldAndNeverTheUrl() {
        BlockException notHttp = assertThrows(BlockException.class,
                () -> SlackWebhook.of(Secret.of("ftp://hooks.slack.com/services/sekrit-path")));
        assertEquals("slack-webhook: 'url' must be an absolute http:// or https:// URL with a host", notHttp.getMessage());
        BlockException bad = assertThrows(BlockException.class, () -> TeamsWebhook.of(Secret.of("https://x/ sekrit path")));
        assertTrue(bad.getMessage().startsWith("teams-webhook: 'url' is not a valid URL"), bad.getMessage());
        assertFalse(bad.getMessage().contains("sekrit"), bad.getMessage());
        BlockException method = assertThrows(BlockException.class,
                () -> new Webhook(Secret.of("https://e.com/h"), "GET", null, null, null, null, null, null));
        assertEquals("webhook: 'method' must be POST, PUT or PATCH, got 'GET'", method.getMessage());
        BlockException reserved = assertThrows(BlockException.class,
                () -> Webhook.post(Secret.of("https://e.com/h"), null).withHeader("Flowcore-Event-Id", "x"));
        assertTrue(reserved.getMessage().contains("may not set 'Flowcore-Event-Id'"), reserved.getMessage());
        BlockException twice = assertThrows(BlockException.class, () -> Webhook.post(Secret.of("https://e.com/h"), null)
                .withHeader("Authorization", "x").withSecretHeader("authorization", Secret.of("y")));
        assertEquals("webhook: header 'authorization' is set twice ('headers' and 'secretHeaders')", twice.getMessage());
        BlockException crlf = assertThrows(BlockException.class,
                () -> Webhook.post(Secret.of("https://e.com/h"), null).withHeader("X-A", "a\r\nX-B: b"));
        assertEquals("webhook: header 'X-A' needs a value on one line", crlf.getMessage());
        BlockException timeout = assertThrows(BlockException.class, () -> new SlackWebhook(Secret.of("https://e.com/h"), 0));
        assertEquals("slack-webhook: 'timeoutSeconds' must be between 1 and 600, got 0", timeout.getMessage());
    }

    @Test
    void badEmailSettingsAreRefusedNamingTheField() {
        BlockException to = assertThrows(BlockException.class,
                () -> EmailNotifier.of("smtp", "flowcore@example.com", List.of("oncall@example.com", "not an address")));
        assertTrue(to.getMessage().startsWith("email-notifier: 'to' has an invalid address 'not an address'"), to.getMessage());
        BlockException none = assertThrows(BlockException.class,
                () -> EmailNotifier.of("smtp", "flowcore@example.com", List.of()));
        assertEquals("email-notifier: 'to' needs at least one address", none.getMessage());
        BlockException pem = assertThrows(BlockException.class, () -> EmailServer.of("h", 465, null, null,
                EmailServer.Security.SSL).trusting("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----"));
        assertTrue(pem.getMessage().startsWith("email-server: 'trustedCertificate' is not a PEM certificate"), pem.getMessage());
        BlockException pw = assertThrows(BlockException.class, () -> EmailServer.of("h", 465, null, Secret.of("x"),
                EmailServer.Security.SSL));
        assertEquals("email-server: 'password' is given without 'username'", pw.getMessage());
        assertEquals(587, new EmailServer("h", null, null, null, EmailServer.Security.STARTTLS, null, null).port());
    }
}
