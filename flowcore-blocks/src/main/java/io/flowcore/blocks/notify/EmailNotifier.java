package io.flowcore.blocks.notify;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotificationException;
import io.flowcore.api.block.NotifierBlock;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;

/**
 * Mails notifications through an {@link EmailServer}: one plain-text message per event, to every
 * address in {@code to}, with the {@code Message-ID} {@code <eventId@flowcore>}, so a mail sent twice
 * (a retry after a timeout) has one id for mail clients and filters to fold.
 *
 * <p>Subject and body are templates with {@code {{ name }}} placeholders, as for {@link Webhook}
 * (unescaped here: the mail is plain text).
 *
 * <pre>{@code
 * blocks.save("ops-mail", EmailNotifier.of("smtp", "flowcore@example.com", List.of("oncall@example.com")));
 * }</pre>
 *
 * @param server          the {@link EmailServer} block, by name
 * @param from            the sender address
 * @param to              the recipients (at least one; an entry may list several, comma-separated)
 * @param subjectTemplate the subject (default {@code {{ title }}})
 * @param bodyTemplate    the text (default: {@link #DEFAULT_BODY_TEMPLATE})
 */
@BlockType(description = "Email notifications over an email-server block (SMTP)")
public record EmailNotifier(BlockRef<EmailServer> server, String from,
                            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> to,
                            String subjectTemplate,
                            String bodyTemplate) implements NotifierBlock {
    private static final String SLUG = "email-notifier";

    /** The subject used when none is given. */
    public static final String DEFAULT_SUBJECT_TEMPLATE = "{{ title }}";
    /** The text used when none is given. */
    public static final String DEFAULT_BODY_TEMPLATE = """
            {{ body }}

            Flow:       {{ flow }}
            Run:        {{ run }} ({{ runId }})
            Deployment: {{ deployment }}
            State:      {{ state }} ({{ stateType }})
            At:         {{ occurredAt }}
            Parameters: {{ parameters }}
            {{ link }}
            Event id:   {{ eventId }}
            """;

    public EmailNotifier {
        if (server == null) throw new BlockException(SLUG + ": 'server' is missing (the name of an email-server block)");
        address(from, "from");
        if (to == null || to.isEmpty()) throw new BlockException(SLUG + ": 'to' needs at least one address");
        to = to.stream().flatMap(a -> addresses(a, "to").stream()).toList();
        if (subjectTemplate == null || subjectTemplate.isBlank()) subjectTemplate = DEFAULT_SUBJECT_TEMPLATE;
        if (bodyTemplate == null || bodyTemplate.isBlank()) bodyTemplate = DEFAULT_BODY_TEMPLATE;
        Template.parse(subjectTemplate, SLUG + ": 'subjectTemplate'");
        Template.parse(bodyTemplate, SLUG + ": 'bodyTemplate'");
    }

    /** Mail from {@code from} to {@code to} through the email-server block {@code serverBlock}, default templates. */
    public static EmailNotifier of(String serverBlock, String from, List<String> to) {
        return new EmailNotifier(BlockRef.named(serverBlock), from, to, null, null);
    }

    /** The same with the server block at hand (tests, or before it is saved). */
    public static EmailNotifier of(String serverBlock, EmailServer server, String from, List<String> to) {
        return new EmailNotifier(BlockRef.of(serverBlock, server), from, to, null, null);
    }

    /** A copy with these subject and body templates (null keeps the default). */
    public EmailNotifier withTemplates(String subject, String body) {
        return new EmailNotifier(server, from, to, subject, body);
    }

    /**
     * @throws NotificationException when the server refuses the login (not retryable), a sender or
     *                               recipient (not retryable for a 5xx reply), or cannot be reached (retryable)
     */
    @Override
    public void send(Notification n) {
        EmailServer smtp = server.get();
        String what = SLUG + ": event " + n.eventId() + " via " + smtp.protocol() + "://" + smtp.address();
        try {
            Session session = smtp.credentials();
            MimeMessage m = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId(n));
                }
            };
            m.setFrom(new InternetAddress(from));
            for (String a : to) m.addRecipient(Message.RecipientType.TO, new InternetAddress(a));
            m.setSubject(oneLine(Template.parse(subjectTemplate, SLUG).render(n, s -> s)), "UTF-8");
            m.setText(Template.parse(bodyTemplate, SLUG).render(n, s -> s), "UTF-8");
            m.setSentDate(java.util.Date.from(n.occurredAt()));
            m.saveChanges();
            try (Transport t = session.getTransport(smtp.protocol())) {
                t.connect(); // host, port and login from the session
                t.sendMessage(m, m.getAllRecipients());
            }
        } catch (AuthenticationFailedException e) {
            throw new NotificationException(what + ": the server refused the login of '" + smtp.username() + "'"
                    + reply(e, smtp) + "; check 'username' and 'password' of the email-server block", false, 535);
        } catch (SendFailedException e) {
            int code = code(e);
            throw new NotificationException(what + ": the server refused the message" + reply(e, smtp)
                    + (code >= 500 || code < 0 ? " (not retried: check 'from' and 'to')" : " (retryable)"),
                    code >= 400 && code < 500, code);
        } catch (MessagingException e) {
            if (e.getMessage() != null && e.getMessage().contains("STARTTLS")) {
                // Angus: "STARTTLS is required but host does not support STARTTLS"
                throw new NotificationException(what + ": the server does not offer STARTTLS (not retried: use 'security'"
                        + " SSL with its SMTPS port, or NONE for a server on this host)", false, -1);
            }
            if (tlsFailure(e)) {
                throw new NotificationException(what + ": TLS with the server failed" + reply(e, smtp) + " (not retried: if"
                        + " the server's certificate is self-signed or from a private CA, give it as 'trustedCertificate' of"
                        + " the email-server block; check 'security' and 'port')", false, -1);
            }
            int code = code(e);
            boolean retryable = code < 0 || code < 500;
            throw new NotificationException(what + " failed" + reply(e, smtp)
                    + (retryable ? " (retryable)" : " (not retried)"), retryable, code);
        }
    }

    /** The Message-ID of the mail for {@code n}: {@code <eventId@flowcore>}. */
    public static String messageId(Notification n) {
        return "<" + n.eventId() + "@flowcore>";
    }

    /* One entry of 'to' may hold several addresses, comma-separated (as `--set to=a@x,b@y` gives them). */
    private static List<String> addresses(String entry, String field) {
        if (entry == null || entry.isBlank()) throw new BlockException(SLUG + ": '" + field + "' has an empty address");
        try {
            InternetAddress[] parsed = InternetAddress.parse(entry, true);
            if (parsed.length == 0) throw new AddressException("no address");
            for (InternetAddress a : parsed) a.validate();
            return java.util.Arrays.stream(parsed).map(InternetAddress::toString).toList();
        } catch (AddressException e) {
            throw new BlockException(SLUG + ": '" + field + "' has an invalid address '" + entry + "' (" + e.getMessage() + ")");
        }
    }

    private static void address(String a, String field) {
        if (a == null || a.isBlank()) throw new BlockException(SLUG + ": '" + field + "' is missing");
        try {
            new InternetAddress(a, true).validate();
        } catch (AddressException e) {
            throw new BlockException(SLUG + ": '" + field + "' has an invalid address '" + a + "' (" + e.getMessage() + ")");
        }
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ").strip();
    }

    private static boolean tlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) return true;
        }
        return false;
    }

    /* The SMTP reply code, if the failure carries one (SMTPSendFailedException and kin); -1 otherwise. */
    private static int code(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException s) return s.getReturnCode();
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException s) return s.getReturnCode();
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPSenderFailedException s) return s.getReturnCode();
        }
        if (e instanceof SendFailedException s && s.getNextException() instanceof MessagingException next && next != e) {
            return code(next);
        }
        return -1;
    }

    /* The server's answer or the cause, on one line, without the password (a server might echo it). */
    private static String reply(MessagingException e, EmailServer smtp) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            String msg = t.getMessage();
            if (msg != null && !msg.isBlank() && b.indexOf(msg.strip()) < 0) {
                b.append(b.isEmpty() ? ": " : "; ").append(t.getClass().getSimpleName()).append(' ').append(msg.strip());
            }
        }
        String out = b.toString().replaceAll("[\\r\\n]+", " ");
        if (smtp.password() != null && !smtp.password().reveal().isEmpty()) {
            out = out.replace(smtp.password().reveal(), io.flowcore.api.block.Secret.MASK);
        }
        return Template.abbreviate(out, 400);
    }
}
