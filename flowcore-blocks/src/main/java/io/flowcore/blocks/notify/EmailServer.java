package io.flowcore.blocks.notify;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.CredentialsBlock;
import io.flowcore.api.block.Secret;
import jakarta.mail.Authenticator;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An SMTP server to send mail through (Angus Mail), shared by {@link EmailNotifier} blocks. The
 * server's certificate is checked against the JVM's trusted CAs and its host name, or, when
 * {@code trustedCertificate} is given, against that certificate (a private CA or a self-signed
 * server) — never switched off.
 *
 * <pre>{@code
 * blocks.save("smtp", EmailServer.of("smtp.example.com", 465, "alerts@example.com",
 *         Secret.of(System.getenv("SMTP_PASSWORD")), EmailServer.Security.SSL));
 * }</pre>
 *
 * @param host               the server's host name
 * @param port               its port (default: 465 for SSL, 587 for STARTTLS, 25 for NONE)
 * @param username           the login, or null to send without one
 * @param password           the login's password (a secret)
 * @param security           {@link Security#SSL} (implicit TLS, SMTPS), {@link Security#STARTTLS} (required) or
 *                           {@link Security#NONE}
 * @param trustedCertificate PEM certificate(s) to trust instead of the JVM's CAs, or null
 * @param timeoutSeconds     the limit on connecting and on each read and write (default 30)
 */
@BlockType(description = "SMTP server (SSL, STARTTLS or plain) for email notifications")
public record EmailServer(String host, Integer port, String username, Secret password, Security security,
                          String trustedCertificate, Integer timeoutSeconds) implements CredentialsBlock<Session> {
    private static final String SLUG = "email-server";

    /** How the connection to the server is protected. */
    public enum Security {
        /** TLS from the first byte (SMTPS, usually port 465). */
        SSL,
        /** Plain connect, then the {@code STARTTLS} command, which the server must offer (usually port 587). */
        STARTTLS,
        /** No TLS: the login and the mail cross the network readable. Only for a server on the same host. */
        NONE
    }

    public EmailServer {
        if (host == null || host.isBlank()) throw new BlockException(SLUG + ": 'host' is missing");
        if (security == null) throw new BlockException(SLUG + ": 'security' is missing (SSL, STARTTLS or NONE)");
        if (port == null) port = switch (security) {
            case SSL -> 465;
            case STARTTLS -> 587;
            case NONE -> 25;
        };
        if (port < 1 || port > 65535) throw new BlockException(SLUG + ": 'port' must be 1..65535, got " + port);
        if (username != null && username.isBlank()) username = null;
        if (password != null && username == null) {
            throw new BlockException(SLUG + ": 'password' is given without 'username'");
        }
        if (trustedCertificate != null && trustedCertificate.isBlank()) trustedCertificate = null;
        if (trustedCertificate != null) {
            if (security == Security.NONE) {
                throw new BlockException(SLUG + ": 'trustedCertificate' needs 'security' SSL or STARTTLS");
            }
            trustStore(trustedCertificate);
        }
        HttpDelivery.timeout(timeoutSeconds, SLUG);
    }

    /** A server checked against the JVM's trusted CAs, with the default timeout. */
    public static EmailServer of(String host, int port, String username, Secret password, Security security) {
        return new EmailServer(host, port, username, password, security, null, null);
    }

    /** A copy that trusts {@code pem} (one or more PEM certificates) instead of the JVM's CAs. */
    public EmailServer trusting(String pem) {
        return new EmailServer(host, port, username, password, security, pem, timeoutSeconds);
    }

    /** The protocol Angus Mail is asked for: {@code smtps} for SSL, else {@code smtp}. */
    String protocol() {
        return security == Security.SSL ? "smtps" : "smtp";
    }

    /** {@code host:port}, for messages. */
    String address() {
        return host + ":" + port;
    }

    /**
     * A mail session for this server: TLS as configured with the server's identity checked, timeouts
     * set, and the login (if any) given on connect.
     */
    @Override
    public Session credentials() {
        String p = "mail." + protocol() + ".";
        long ms = HttpDelivery.timeout(timeoutSeconds, SLUG) * 1000L;
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol());
        props.put("mail.transport.protocol.rfc822", protocol()); // what Transport.send(message) looks up
        props.put(p + "host", host);
        props.put(p + "port", String.valueOf(port));
        props.put(p + "connectiontimeout", String.valueOf(ms));
        props.put(p + "timeout", String.valueOf(ms));
        props.put(p + "writetimeout", String.valueOf(ms));
        props.put(p + "auth", String.valueOf(username != null));
        if (security != Security.NONE) {
            props.put(p + "ssl.checkserveridentity", "true");
            if (trustedCertificate != null) props.put(p + "ssl.socketFactory", socketFactory(trustedCertificate));
        }
        if (security == Security.STARTTLS) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        Authenticator login = username == null ? null : new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(username, password == null ? "" : password.reveal());
            }
        };
        return Session.getInstance(props, login);
    }

    private static javax.net.ssl.SSLSocketFactory socketFactory(String pem) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore(pem));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new BlockException(SLUG + ": cannot use 'trustedCertificate': " + e.getMessage());
        }
    }

    private static KeyStore trustStore(String pem) {
        try {
            var certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) throw new GeneralSecurityException("no certificate in it");
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) ks.setCertificateEntry("trusted-" + i++, c);
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new BlockException(SLUG + ": 'trustedCertificate' is not a PEM certificate (-----BEGIN CERTIFICATE-----"
                    + " … -----END CERTIFICATE-----): " + e.getMessage());
        }
    }
}
