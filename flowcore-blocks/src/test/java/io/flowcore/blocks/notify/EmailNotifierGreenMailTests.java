package io.flowcore.blocks.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.flowcore.api.block.NotificationException;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.notify.EmailServer.Security;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Email notifications through GreenMail, an SMTP server embedded in the test: plain SMTP with a login,
 * SMTPS (implicit TLS) with a certificate made for this test run and trusted through the block's
 * 'trustedCertificate', a wrong password, an untrusted certificate.
 */
class EmailNotifierGreenMailTests {
    private static final String USER = "alerts";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static String certificatePem;

    private GreenMail greenMail;

    /*
     * GreenMail's own test certificate names no host, so the block's host-name check (which stays on)
     * would refuse it. keytool, run as a child process, makes a key pair for 127.0.0.1; GreenMail reads
     * it through its keystore properties, and the block trusts its certificate, nothing else.
     */
    @BeforeAll
    static void makeServerCertificate() throws Exception {
        Path dir = Files.createTempDirectory("flowcore-smtps");
        Path ks = dir.resolve("smtps.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "greenmail", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        certificatePem = run(keytool, "-exportcert", "-rfc", "-alias", "greenmail", "-keystore", ks.toString(),
                "-storepass", "changeit");
        System.setProperty("greenmail.tls.keystore.file", ks.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), Arrays.toString(command) + ": " + out);
        return out;
    }

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {setup(ServerSetup.PROTOCOL_SMTP), setup(ServerSetup.PROTOCOL_SMTPS)})
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.com", USER, PASSWORD));
        greenMail.start();
    }

    /* A free port on loopback; the start may take a while on a busy machine (the default allows 2 s). */
    private static ServerSetup setup(String protocol) {
        ServerSetup s = new ServerSetup(0, "127.0.0.1", protocol);
        s.setServerStartupTimeout(30_000);
        return s;
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private EmailServer plain(String password) {
        return new EmailServer("127.0.0.1", greenMail.getSmtp().getPort(), USER, Secret.of(password), Security.NONE, null, 10);
    }

    private EmailServer smtps() {
        return new EmailServer("127.0.0.1", greenMail.getSmtps().getPort(), USER, Secret.of(PASSWORD), Security.SSL, null, 10);
    }

    @Test
    void plainSmtpWithALoginDeliversTheMailWithTheEventIdAsMessageId() throws Exception {
        EmailNotifier.of("smtp", plain(PASSWORD), "flowcore@example.com", List.of("oncall@example.com, lead@example.com"))
                .send(WebhookNotifiersTests.failed());

        MimeMessage[] got = greenMail.getReceivedMessages();
        assertEquals(2, got.length, "one copy per recipient mailbox");
        MimeMessage m = got[0];
        assertEquals("<" + WebhookNotifiersTests.EVENT + "@flowcore>", m.getMessageID());
        assertEquals("Flow run etl-web-to-lake/brave-otter entered Failed", m.getSubject());
        assertEquals("flowcore@example.com", m.getFrom()[0].toString());
        assertEquals("oncall@example.com, lead@example.com", Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                .map(Object::toString).reduce((a, b) -> a + ", " + b).orElseThrow());
        assertEquals("""
                Task 'fetch' failed: HTTP 404 <not found> & "gone"
                Failed at 2026-01-01T10:15:30Z (started 2026-01-01T10:00:00Z)

                Flow:       etl-web-to-lake
                Run:        brave-otter (0a0b0c0d-0000-4000-8000-000000000002)
                Deployment: monthly-etl
                State:      Failed (FAILED)
                At:         2026-01-01T10:15:30Z
                Parameters: month=1, color=yellow
                https://flowcore.example/runs/brave-otter
                Event id:   6f1c1b5e-0000-4000-8000-000000000001""", ((String) m.getContent()).replace("\r\n", "\n").stripTrailing());
    }

    @Test
    void subjectAndBodyComeFromTheTemplates() throws Exception {
        EmailNotifier.of("smtp", plain(PASSWORD), "flowcore@example.com", List.of("oncall@example.com"))
                .withTemplates("[{{ stateType }}] {{ flow }}", "Run {{ run }}: {{ message }}")
                .send(WebhookNotifiersTests.failed());

        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertEquals("[FAILED] etl-web-to-lake", m.getSubject());
        assertEquals("Run brave-otter: Task 'fetch' failed: HTTP 404 <not found> & \"gone\"", m.getContent());
    }

    @Test
    void smtpsDeliversOverImplicitTlsToTheTrustedCertificate() throws Exception {
        EmailNotifier.of("smtps", smtps().trusting(certificatePem), "flowcore@example.com", List.of("oncall@example.com"))
                .send(WebhookNotifiersTests.failed());

        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertEquals("<" + WebhookNotifiersTests.EVENT + "@flowcore>", m.getMessageID());
        assertEquals("Flow run etl-web-to-lake/brave-otter entered Failed", m.getSubject());
    }

    @Test
    void aServerCertificateNotTrustedFailsClearlyAndIsNotRetried() {
        NotificationException e = assertThrows(NotificationException.class, () ->
                EmailNotifier.of("smtps", smtps(), "flowcore@example.com", List.of("oncall@example.com"))
                        .send(WebhookNotifiersTests.failed()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().startsWith("email-notifier: event " + WebhookNotifiersTests.EVENT + " via smtps://127.0.0.1:"
                + greenMail.getSmtps().getPort() + ": TLS with the server failed"), e.getMessage());
        assertTrue(e.getMessage().contains("give it as 'trustedCertificate' of the email-server block"), e.getMessage());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void aWrongPasswordIsRefusedClearlyWithoutThePasswordAndIsNotRetried() {
        String wrong = "wrong-" + UUID.randomUUID();
        NotificationException e = assertThrows(NotificationException.class, () ->
                EmailNotifier.of("smtp", plain(wrong), "flowcore@example.com", List.of("oncall@example.com"))
                        .send(WebhookNotifiersTests.failed()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().startsWith("email-notifier: event " + WebhookNotifiersTests.EVENT + " via smtp://127.0.0.1:"
                + greenMail.getSmtp().getPort() + ": the server refused the login of 'alerts'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; check 'username' and 'password' of the email-server block"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void startTlsAgainstAServerWithoutItIsRefusedBeforeTheLogin() {
        EmailServer noTls = new EmailServer("127.0.0.1", greenMail.getSmtp().getPort(), USER, Secret.of(PASSWORD),
                Security.STARTTLS, null, 10);
        NotificationException e = assertThrows(NotificationException.class, () ->
                EmailNotifier.of("smtp", noTls, "flowcore@example.com", List.of("oncall@example.com"))
                        .send(WebhookNotifiersTests.failed()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().endsWith(": the server does not offer STARTTLS (not retried: use 'security' SSL with its"
                + " SMTPS port, or NONE for a server on this host)"), e.getMessage());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void aServerThatIsNotListeningIsRetryable() throws Exception {
        int port = greenMail.getSmtp().getPort();
        greenMail.stop();
        NotificationException e = assertThrows(NotificationException.class, () ->
                EmailNotifier.of("smtp", new EmailServer("127.0.0.1", port, USER, Secret.of(PASSWORD), Security.NONE, null, 5),
                        "flowcore@example.com", List.of("oncall@example.com")).send(WebhookNotifiersTests.failed()));
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().startsWith("email-notifier: event " + WebhookNotifiersTests.EVENT + " via smtp://127.0.0.1:"
                + port + " failed: "), e.getMessage());
    }
}
