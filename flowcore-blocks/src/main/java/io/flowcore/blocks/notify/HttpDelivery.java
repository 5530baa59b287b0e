package io.flowcore.blocks.notify;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotificationException;
import io.flowcore.api.block.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/*
 * One HTTP delivery for the webhook notifiers. A webhook URL is a secret as a whole: Slack's and
 * Teams' carry their token in the path, others in the query. So messages show only scheme://host:port,
 * and the receiver's answer is truncated and has the path and query cut out in case it echoes them.
 * Redirects are not followed (a redirected webhook is a configuration error, and following it would
 * send the body somewhere else).
 */
final class HttpDelivery {
    /** The header that carries the event id on every request, so a receiver can drop a duplicate. */
    static final String EVENT_ID_HEADER = "Flowcore-Event-Id";
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int ANSWER_CHARS = 300;
    private static final int ANSWER_BYTES = 4096;

    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private HttpDelivery() {
    }

    /**
     * Checks a webhook URL when its block is built: absolute http(s) with a host. The message never
     * quotes the URL.
     */
    static URI checkUrl(Secret url, String slug, String field) {
        if (url == null) throw new BlockException(slug + ": '" + field + "' is missing");
        URI uri;
        try {
            uri = new URI(url.reveal().strip());
        } catch (java.net.URISyntaxException e) {
            throw new BlockException(slug + ": '" + field + "' is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new BlockException(slug + ": '" + field + "' must be an absolute http:// or https:// URL with a host");
        }
        return uri;
    }

    /** The part of a URL that may be shown: scheme, host and port. */
    static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    static int timeout(Integer timeoutSeconds, String slug) {
        if (timeoutSeconds == null) return DEFAULT_TIMEOUT_SECONDS;
        if (timeoutSeconds < 1 || timeoutSeconds > 600) {
            throw new BlockException(slug + ": 'timeoutSeconds' must be between 1 and 600, got " + timeoutSeconds);
        }
        return timeoutSeconds;
    }

    /**
     * Sends {@code body} and returns when the receiver answered 2xx.
     *
     * @throws NotificationException on any other answer, a timeout or a connection failure
     */
    static void send(String slug, URI uri, String method, Map<String, String> headers, String body,
                     Notification n, int timeoutSeconds) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        boolean contentType = false;
        for (var h : headers.entrySet()) {
            req.header(h.getKey(), h.getValue());
            contentType |= h.getKey().equalsIgnoreCase("Content-Type");
        }
        if (!contentType) req.header("Content-Type", "application/json; charset=utf-8");
        req.header(EVENT_ID_HEADER, n.eventId().toString());
        String what = slug + ": event " + n.eventId() + " to " + shown(uri);
        int status;
        String answer;
        Duration retryAfter;
        try {
            HttpResponse<InputStream> resp = Client.HTTP.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = resp.statusCode();
            if (status / 100 == 2) {
                closeQuietly(resp.body()); // accepted: what the receiver says next cannot change that
                return;
            }
            retryAfter = resp.headers().firstValue("Retry-After").map(HttpDelivery::seconds).orElse(null);
            // Only the start of the answer is read (and shown): a receiver cannot make the sender buffer megabytes.
            try (InputStream in = resp.body()) {
                answer = new String(in.readNBytes(ANSWER_BYTES), StandardCharsets.UTF_8);
            }
        } catch (HttpTimeoutException e) {
            throw new NotificationException(what + " timed out (" + e.getMessage() + ", limit " + timeoutSeconds
                    + " s); it may have arrived: a retry carries the same event id", true, -1);
        } catch (IOException e) {
            throw new NotificationException(what + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + scrub(e.getMessage(), uri)), true, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotificationException(what + " was interrupted; it may have arrived", true, -1);
        }
        boolean retryable = status >= 500 || status == 408 || status == 425 || status == 429;
        answer = scrub(answer.strip(), uri);
        throw new NotificationException(what + " was refused: HTTP " + status
                + (answer.isEmpty() ? "" : " " + Template.abbreviate(answer, ANSWER_CHARS))
                + (retryable ? " (retryable)" : status / 100 == 3
                        ? " (a redirect: not followed; set the block's URL to the final address)"
                        : " (not retried: check the block's URL, headers and body)")
                + (retryable && retryAfter != null ? "; the receiver asks to wait " + retryAfter.toSeconds() + " s" : ""),
                retryable, status, retryable ? retryAfter : null);
    }

    /* Retry-After in delay-seconds (what Slack and most APIs send); an HTTP date is ignored. Capped at an hour. */
    private static Duration seconds(String value) {
        try {
            long s = Long.parseLong(value.strip());
            return s < 0 ? null : Duration.ofSeconds(Math.min(s, 3600));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the answer was 2xx; a broken connection after it is no delivery failure
        }
    }

    /** {@code text} with the URL's path and query (the secret parts) cut out. */
    private static String scrub(String text, URI uri) {
        String out = text;
        for (String secret : new String[] {uri.getRawQuery(), uri.getRawPath(), uri.getQuery(), uri.getPath()}) {
            if (secret != null && secret.length() > 1) out = out.replace(secret, "…");
        }
        return out.replaceAll("[\\r\\n\\t]+", " ");
    }
}
