package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.blocks.notify.EmailNotifier;
import io.flowcore.blocks.notify.EmailServer;
import io.flowcore.blocks.notify.SlackWebhook;
import io.flowcore.blocks.notify.Webhook;
import io.flowcore.engine.Blocks;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The notifier blocks are created from the command line like any block, secrets never as arguments. */
class NotifierBlockCommandTests {
    static final String HOOK = "https://hooks.slack.com/services/T0/B0/xoxSecret-4711";
    static final String PASSWORD = "pw-51a7-secret";

    @TempDir
    Path home;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return runWith("", Map.of(), args);
    }

    int runWith(String stdin, Map<String, String> env, String... args) {
        CommandLine cl = FlowcoreCli.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new java.util.ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        return cl.execute(all.toArray(String[]::new));
    }

    String output() {
        return out + "\n" + err;
    }

    @Test
    void slackAndEmailNotifiersAreCreatedWithSecretsFromTheEnvironment() {
        Map<String, String> env = Map.of("SLACK_WEBHOOK_URL", HOOK, "SMTP_PASSWORD", PASSWORD);
        assertEquals(0, runWith("", env, "block", "create", "slack-webhook", "ops-slack",
                "--set-secret", "url=env:SLACK_WEBHOOK_URL"), output());
        assertEquals(0, runWith("", env, "block", "create", "email-server", "smtp", "--set", "host=smtp.example.com",
                "--set", "security=SSL", "--set", "username=alerts", "--set-secret", "password=env:SMTP_PASSWORD"), output());
        assertEquals(0, run("block", "create", "email-notifier", "ops-mail", "--set", "server=smtp",
                "--set", "from=flowcore@example.com", "--set", "to=oncall@example.com,lead@example.com"), output());
        assertEquals(0, run("block", "inspect", "ops-slack"), output());
        assertTrue(out.toString().contains("\"url\" : \"********\""), output());
        assertFalse(output().contains("xoxSecret"), output());
        assertFalse(output().contains(PASSWORD), output());

        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(HOOK, blocks.load("ops-slack", SlackWebhook.class).url().reveal());
            EmailNotifier mail = blocks.load("ops-mail", EmailNotifier.class);
            assertEquals(List.of("oncall@example.com", "lead@example.com"), mail.to());
            EmailServer smtp = mail.server().get();
            assertEquals(465, smtp.port());
            assertEquals(PASSWORD, smtp.password().reveal());
        }
    }

    @Test
    void aWebhookWithHeadersAndATemplateComesFromAFileAndAnUnknownPlaceholderIsRefused() throws Exception {
        Path file = Files.writeString(home.resolve("hook.json"), """
                {"url": "https://example.com/hook?token=t0k3n", "headers": {"X-Team": "data"},
                 "bodyTemplate": "{\\"text\\": \\"{{ flow }} is {{ state }}\\"}", "hmacKey": "k3y"}""");
        assertEquals(0, run("block", "create", "webhook", "ops-hook", "--file", file.toString()), output());
        try (Blocks blocks = Blocks.open(home)) {
            Webhook hook = blocks.load("ops-hook", Webhook.class);
            assertEquals(Map.of("X-Team", "data"), hook.headers());
            assertEquals("k3y", hook.hmacKey().reveal());
        }

        assertNotEquals(0, run("block", "create", "webhook", "bad-hook", "--file", file.toString(),
                "--set", "bodyTemplate={\"text\": \"{{ flw }}\"}"));
        assertTrue(err.toString().contains("webhook: 'bodyTemplate': unknown placeholder '{{ flw }}'"), output());
        assertFalse(output().contains("t0k3n"), output());
    }
}
