package io.flowcore.blocks.notify;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotifierBlock;
import io.flowcore.api.block.Secret;
import io.flowcore.api.state.StateType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends notifications to any HTTP endpoint: a JSON body rendered from a template, custom headers, an
 * optional HMAC-SHA256 signature, and always the header {@code Flowcore-Event-Id}.
 *
 * <p>The body template holds {@code {{ name }}} placeholders ({@code eventId}, {@code title}, {@code body},
 * {@code flow}, {@code run}, {@code runId}, {@code deployment}, {@code state}, {@code stateType}, {@code message}, {@code occurredAt},
 * {@code startedAt}, {@code parameters}, {@code link}); each value is JSON-escaped (not quoted), so a
 * placeholder goes inside a JSON string: {@code {"text": "{{ flow }} is {{ state }}"}}. An unknown
 * placeholder, or a template that is not JSON once filled in, is refused when the block is built.
 *
 * <p>With {@code hmacKey}, the header {@code signatureHeader} (default {@code Flowcore-Signature})
 * carries {@code sha256=<hex of HMAC-SHA256(hmacKey, body bytes)>}: the receiver recomputes it over
 * the exact bytes it received, before parsing them.
 *
 * <pre>{@code
 * blocks.save("ops-hook", Webhook.post(Secret.of(System.getenv("OPS_HOOK_URL")),
 *         "{\"text\": \"{{ title }}\", \"id\": \"{{ eventId }}\"}"));
 * }</pre>
 *
 * @param url             the endpoint; a secret (webhook URLs often carry a token). Errors show only its host
 * @param method          POST (default), PUT or PATCH
 * @param headers         extra request headers (not secret: they show in {@code block inspect}); a
 *                        {@code Content-Type} here replaces the default {@code application/json; charset=utf-8}
 * @param secretHeaders   extra request headers whose values are secrets, e.g. {@code Authorization: Bearer …};
 *                        encrypted at rest, never shown
 * @param bodyTemplate    the body, with placeholders (default: {@link #DEFAULT_BODY_TEMPLATE})
 * @param hmacKey         the key of the signature header, or null for none
 * @param signatureHeader the signature header's name (default {@code Flowcore-Signature})
 * @param timeoutSeconds  the limit on one request, connection included (default 30)
 */
@BlockType(description = "Generic webhook: a JSON body from a template, custom headers, optional HMAC-SHA256 signature")
public record Webhook(Secret url, String method, Map<String, String> headers, Map<String, Secret> secretHeaders,
                      String bodyTemplate, Secret hmacKey, String signatureHeader, Integer timeoutSeconds)
        implements NotifierBlock {
    private static final String SLUG = "webhook";

    /** The body sent when no template is given: every field of the notification but the parameters. */
    public static final String DEFAULT_BODY_TEMPLATE = "{\"eventId\": \"{{ eventId }}\", \"flow\": \"{{ flow }}\", "
            + "\"run\": \"{{ run }}\", \"runId\": \"{{ runId }}\", \"deployment\": \"{{ deployment }}\", "
            + "\"stateType\": \"{{ stateType }}\", \"state\": \"{{ state }}\", "
            + "\"message\": \"{{ message }}\", \"occurredAt\": \"{{ occurredAt }}\", \"startedAt\": \"{{ startedAt }}\", "
            + "\"title\": \"{{ title }}\", \"body\": \"{{ body }}\", \"link\": \"{{ link }}\"}";
    /** The default name of the signature header. */
    public static final String DEFAULT_SIGNATURE_HEADER = "Flowcore-Signature";

    // Headers the JDK's HTTP client sets itself, and the ones this block sets.
    private static final Set<String> RESERVED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            HttpDelivery.EVENT_ID_HEADER.toLowerCase(Locale.ROOT));

    public Webhook {
        HttpDelivery.checkUrl(url, SLUG, "url");
        HttpDelivery.timeout(timeoutSeconds, SLUG);
        method = method == null || method.isBlank() ? "POST" : method.strip().toUpperCase(Locale.ROOT);
        if (!Set.of("POST", "PUT", "PATCH").contains(method)) {
            throw new BlockException(SLUG + ": 'method' must be POST, PUT or PATCH, got '" + method + "'");
        }
        if (bodyTemplate == null || bodyTemplate.isBlank()) bodyTemplate = DEFAULT_BODY_TEMPLATE;
        if (signatureHeader == null || signatureHeader.isBlank()) signatureHeader = DEFAULT_SIGNATURE_HEADER;
        checkHeader(signatureHeader, "", "signatureHeader");
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        secretHeaders = secretHeaders == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secretHeaders));
        Set<String> names = new java.util.HashSet<>();
        for (var h : headers.entrySet()) checkHeader(h.getKey(), h.getValue(), "headers", hmacKey, signatureHeader, names);
        for (var h : secretHeaders.entrySet()) {
            checkHeader(h.getKey(), h.getValue() == null ? null : h.getValue().reveal(), "secretHeaders", hmacKey,
                    signatureHeader, names);
        }
        checkBody(Template.parse(bodyTemplate, SLUG + ": 'bodyTemplate'"));
        if (hmacKey != null && hmacKey.reveal().isEmpty()) throw new BlockException(SLUG + ": 'hmacKey' is empty");
    }

    /** A POST of {@code bodyTemplate} (null for the default body) with no extra headers and no signature. */
    public static Webhook post(Secret url, String bodyTemplate) {
        return new Webhook(url, "POST", Map.of(), Map.of(), bodyTemplate, null, null, null);
    }

    /** A copy that signs each body with {@code key} in the header {@value #DEFAULT_SIGNATURE_HEADER}. */
    public Webhook signedWith(Secret key) {
        return new Webhook(url, method, headers, secretHeaders, bodyTemplate, key, signatureHeader, timeoutSeconds);
    }

    /** A copy that also sends {@code name: value}. */
    public Webhook withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Webhook(url, method, h, secretHeaders, bodyTemplate, hmacKey, signatureHeader, timeoutSeconds);
    }

    /** A copy that also sends {@code name: value}, the value kept as a secret (a token, an API key). */
    public Webhook withSecretHeader(String name, Secret value) {
        Map<String, Secret> h = new LinkedHashMap<>(secretHeaders);
        h.put(name, value);
        return new Webhook(url, method, headers, h, bodyTemplate, hmacKey, signatureHeader, timeoutSeconds);
    }

    /** @throws io.flowcore.api.block.NotificationException when the endpoint does not answer 2xx */
    @Override
    public void send(Notification n) {
        String body = Template.parse(bodyTemplate, SLUG + ": 'bodyTemplate'").render(n, Json::escape);
        Map<String, String> h = new LinkedHashMap<>(headers);
        secretHeaders.forEach((k, v) -> h.put(k, v.reveal()));
        if (hmacKey != null) h.put(signatureHeader, signature(hmacKey, body));
        HttpDelivery.send(SLUG, HttpDelivery.checkUrl(url, SLUG, "url"), method, h, body, n,
                HttpDelivery.timeout(timeoutSeconds, SLUG));
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of the body's UTF-8 bytes under {@code key}. */
    static String signature(Secret key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static void checkHeader(String name, String value, String field, Secret hmacKey, String signatureHeader,
                                    Set<String> seen) {
        checkHeader(name, value, field);
        if (hmacKey != null && name.equalsIgnoreCase(signatureHeader)) {
            throw new BlockException(SLUG + ": '" + field + "' sets '" + name + "', the signature header");
        }
        if (!seen.add(name.toLowerCase(Locale.ROOT))) {
            throw new BlockException(SLUG + ": header '" + name + "' is set twice ('headers' and 'secretHeaders')");
        }
    }

    private static void checkHeader(String name, String value, String field) {
        if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new BlockException(SLUG + ": '" + field + "' has an invalid header name '" + name + "'");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new BlockException(SLUG + ": '" + field + "' may not set '" + name + "' (set by flowcore or the HTTP client)");
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new BlockException(SLUG + ": header '" + name + "' needs a value on one line");
        }
    }

    /* A template that is not JSON once filled in would fail at every delivery: refuse it now. */
    private static void checkBody(Template t) {
        Notification sample = Notification.of(new UUID(0, 0), "flow \"x\"", new UUID(0, 1), "run\n1", "dep\\",
                StateType.FAILED, "Failed", "a \"quoted\" message\\", Instant.EPOCH, Instant.EPOCH, Map.of("p", "v"),
                "https://example.invalid/");
        try {
            Json.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(t.render(sample, Json::escape));
        } catch (java.io.IOException e) {
            throw new BlockException(SLUG + ": 'bodyTemplate' is not valid JSON once filled in ("
                    + e.getClass().getSimpleName() + " at line " + lineOf(e) + "); placeholders go inside JSON strings:"
                    + " \"{{ flow }}\"");
        }
    }

    private static String lineOf(java.io.IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                ? j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "?";
    }
}
