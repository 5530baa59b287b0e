package io.flowcore.blocks.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.NotificationException;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.notify.EmailServer.Security;
import io.flowcore.engine.testing.TestInfra;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS, which GreenMail lacks, against a real SMTP server in a child process: Python's aiosmtpd
 * (Debian's python3-aiosmtpd, installed by .ci/test-infra.sh), requiring STARTTLS before AUTH and
 * mail, with a certificate made by openssl for this run and trusted through the block.
 */
class EmailNotifierStartTlsTests {
    // Debian's interpreter, which python3-aiosmtpd installs into (a python3 earlier on PATH, e.g. pyenv's, lacks it).
    private static final String PYTHON = "/usr/bin/python3";
    private static final String USER = "alerts";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static Process server;
    private static int port;
    private static String certificatePem;
    private static Path inbox;

    @BeforeAll
    static void startServer(@TempDir Path dir) throws Exception {
        String why = run(dir, PYTHON, "-c", "import aiosmtpd");
        if (why != null) {
            String hint = PYTHON + " with aiosmtpd is missing (apt-get install python3-aiosmtpd, or bash .ci/test-infra.sh up): "
                    + why;
            if (TestInfra.required()) Assertions.fail(hint + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
            Assumptions.abort(hint);
        }
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        String failed = run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1");
        assertEquals(null, failed, "openssl");
        certificatePem = Files.readString(cert);
        inbox = Files.createDirectory(dir.resolve("inbox"));
        Path script = dir.resolve("starttls_smtpd.py");
        try (InputStream in = EmailNotifierStartTlsTests.class.getResourceAsStream("/notify/starttls_smtpd.py")) {
            Files.write(script, in.readAllBytes());
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = new ProcessBuilder(PYTHON, script.toString(), String.valueOf(port), cert.toString(), key.toString(),
                USER, PASSWORD, inbox.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("READY")) return;
            said.append(line).append('\n');
        }
        Assertions.fail("the STARTTLS server did not start: " + said);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server == null) return;
        server.getOutputStream().close(); // it stops when its standard input closes
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }

    /** Runs a command to its end; null when it exited 0, else what it printed. */
    private static String run(Path dir, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return p.exitValue() == 0 ? null : out;
    }

    private EmailServer startTls(String password) {
        return new EmailServer("127.0.0.1", port, USER, Secret.of(password), Security.STARTTLS, certificatePem, 10);
    }

    @Test
    void startTlsThenLoginDeliversTheMailWithTheEventIdAsMessageId() throws Exception {
        EmailNotifier.of("smtp", startTls(PASSWORD), "flowcore@example.com", List.of("oncall@example.com"))
                .send(WebhookNotifiersTests.failed());

        Path mail = inbox.resolve("1.eml");
        assertTrue(Files.exists(mail), "the server saved no message");
        try (InputStream in = Files.newInputStream(mail)) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
            assertEquals("<" + WebhookNotifiersTests.EVENT + "@flowcore>", m.getMessageID());
            assertEquals("Flow run etl-web-to-lake/brave-otter entered Failed", m.getSubject());
        }
    }

    @Test
    void aWrongPasswordAfterStartTlsIsRefusedWithoutThePassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        NotificationException e = assertThrows(NotificationException.class, () ->
                EmailNotifier.of("smtp", startTls(wrong), "flowcore@example.com", List.of("oncall@example.com"))
                        .send(WebhookNotifiersTests.failed()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("the server refused the login of 'alerts'"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
    }

    @Test
    void aServerCertificateNotTrustedFailsTheStartTlsHandshake() {
        EmailServer untrusted = new EmailServer("127.0.0.1", port, USER, Secret.of(PASSWORD), Security.STARTTLS, null, 10);
        NotificationException e = assertThrows(NotificationException.class, () ->
                EmailNotifier.of("smtp", untrusted, "flowcore@example.com", List.of("oncall@example.com"))
                        .send(WebhookNotifiersTests.failed()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("TLS with the server failed"), e.getMessage());
    }
}
