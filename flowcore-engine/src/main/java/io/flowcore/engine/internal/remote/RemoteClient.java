package io.flowcore.engine.internal.remote;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.engine.internal.store.StoreException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP side of a remote engine: calls the engine API of a flowcore server ({@code /api/engine/…}) with
 * an API key of the {@code worker} (or {@code admin}) role.
 *
 * <p>Errors: the server's answer for a refused call is rethrown as the exception the store would have
 * thrown itself (400: IllegalArgumentException, 409: IllegalStateException, 404: IllegalArgumentException);
 * a server that does not answer, answers 5xx or refuses the key is a {@link StoreException}, which the
 * engine treats as an unreachable store (its writes wait in the journal; its runs stop before the lease
 * expires).
 */
public final class RemoteClient {
    /** The media type of a batch of journal-encoded writes. */
    public static final String OPS_TYPE = "application/vnd.flowcore.ops";

    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param url     the server, e.g. {@code http://flowcore.internal:4200}
     * @param apiKey  a key of the role worker or admin (null: a server started with --no-auth)
     * @param timeout the longest one call may take (connecting included)
     */
    public RemoteClient(String url, String apiKey, Duration timeout) {
        Objects.requireNonNull(url, "url");
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("a flowcore server URL starts with http:// or https://, not '" + url + "'");
        }
        this.base = URI.create(u + "/");
        this.apiKey = apiKey;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10)).build();
    }

    /** {@code http://host:port}: what messages name. */
    public String url() {
        String s = base.toString();
        return s.substring(0, s.length() - 1);
    }

    /**
     * Calls {@code method} of the engine API with {@code args} (as a JSON array) and reads its JSON answer as
     * {@code type} (null type: the answer is ignored).
     */
    public <T> T call(String method, JavaType type, Object... args) {
        byte[] body;
        try {
            body = RemoteJson.MAPPER.writeValueAsBytes(args);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the arguments of " + method + ": " + e.getMessage(), e);
        }
        byte[] answer = post("api/engine/call/" + method, "application/json", body, method);
        if (type == null) return null;
        try {
            return RemoteJson.MAPPER.readValue(answer, type);
        } catch (IOException e) {
            throw new StoreException("the flowcore server " + url() + " answered " + method + " with what this engine "
                    + "cannot read (a server of another version?): " + e.getMessage(), e);
        }
    }

    /** Sends a batch of encoded writes; they are applied (in order) when this returns. */
    public void postOps(byte[] batch) {
        post("api/engine/ops", OPS_TYPE, batch, "writes");
    }

    private byte[] post(String path, String contentType, byte[] body, String what) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new StoreException("the flowcore server " + url() + " does not answer (" + what + "): "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while calling the flowcore server " + url() + " (" + what + ")", e);
        }
        int status = r.statusCode();
        if (status == 200) return r.body();
        String message = message(r.body());
        String where = "the flowcore server " + url() + " (" + what + "): " + message;
        throw switch (status) {
            case 400, 404 -> new IllegalArgumentException(message);
            case 409 -> new IllegalStateException(message);
            case 401, 403 -> new StoreException(where + " — check FLOWCORE_API_KEY: the engine API needs a key of the "
                    + "role worker or admin of the workspace", null);
            default -> new StoreException(where, null);
        };
    }

    private static String message(byte[] body) {
        try {
            JsonNode n = RemoteJson.MAPPER.readTree(body);
            if (n != null && n.hasNonNull("error")) return n.get("error").asText();
        } catch (IOException | RuntimeException e) {
            // not JSON: a proxy's page
        }
        String s = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
