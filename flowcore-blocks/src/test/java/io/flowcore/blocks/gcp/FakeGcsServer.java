package io.flowcore.blocks.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

/**
 * A small GCS JSON-API server on loopback, for the HTTP path of the real Storage client: resumable
 * uploads (308 + Range on non-final chunks, status queries), CRC32C/MD5 checks on finalization,
 * metadata, media download, list and delete. Tests can fail one chunk PUT or corrupt received bytes.
 */
final class FakeGcsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    final List<String> contentRanges = new CopyOnWriteArrayList<>();
    /** PUT numbers (1-based) that fail with 503 after receiving half of their bytes. */
    final List<Integer> failPuts = new CopyOnWriteArrayList<>();
    /** Applied to the bytes of every chunk received (to simulate corruption in transit). */
    volatile UnaryOperator<byte[]> onReceive = b -> b;
    private final AtomicInteger puts = new AtomicInteger();

    private static final class Session {
        final String bucket;
        final String name;
        final JsonNode metadata;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Session(String bucket, String name, JsonNode metadata) {
            this.bucket = bucket;
            this.name = name;
            this.metadata = metadata;
        }
    }

    FakeGcsServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            try {
                handle(ex);
            } catch (Exception e) {
                send(ex, 500, "{\"error\":{\"code\":500,\"message\":\"" + e + "\"}}");
            } finally {
                ex.close();
            }
        });
        http.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    byte[] object(String bucket, String name) {
        return objects.get(bucket + "/" + name);
    }

    private void handle(HttpExchange ex) throws Exception {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String[] seg = path.split("/");
        byte[] body = ex.getRequestBody().readAllBytes();
        if (path.startsWith("/upload/storage/v1/b/") && method.equals("POST") && "resumable".equals(q.get("uploadType"))) {
            JsonNode meta = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            String name = q.containsKey("name") ? q.get("name") : meta.path("name").asText();
            String id = "s" + ids.incrementAndGet();
            sessions.put(id, new Session(decode(seg[5]), name, meta));
            ex.getResponseHeaders().add("Location", endpoint() + path + "?uploadType=resumable&upload_id=" + id);
            send(ex, 200, "");
        } else if (path.startsWith("/upload/storage/v1/b/") && method.equals("PUT")) {
            chunk(ex, sessions.get(q.get("upload_id")), body);
        } else if (path.startsWith("/download/storage/v1/b/") && method.equals("GET")) {
            byte[] data = objects.get(decode(seg[5]) + "/" + decode(seg[7]));
            if (data == null) {
                send(ex, 404, "{\"error\":{\"code\":404,\"message\":\"No such object\"}}");
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, data.length);
            ex.getResponseBody().write(data);
        } else if (path.startsWith("/storage/v1/b/") && seg.length == 6 && method.equals("GET")) {
            String bucket = decode(seg[4]);
            String prefix = q.getOrDefault("prefix", "");
            ObjectNode list = JSON.createObjectNode().put("kind", "storage#objects");
            ArrayNode items = list.putArray("items");
            new TreeMap<>(objects).forEach((k, v) -> {
                if (k.startsWith(bucket + "/" + prefix)) items.add(meta(bucket, k.substring(bucket.length() + 1), v));
            });
            send(ex, 200, list.toString());
        } else if (path.startsWith("/storage/v1/b/") && seg.length == 7) {
            String key = decode(seg[4]) + "/" + decode(seg[6]);
            byte[] data = objects.get(key);
            if (data == null) {
                send(ex, 404, "{\"error\":{\"code\":404,\"message\":\"No such object: " + key + "\"}}");
            } else if (method.equals("DELETE")) {
                objects.remove(key);
                send(ex, 204, "");
            } else {
                send(ex, 200, meta(decode(seg[4]), decode(seg[6]), data).toString());
            }
        } else {
            send(ex, 501, "{\"error\":{\"code\":501,\"message\":\"fake GCS: " + method + " " + path + " not implemented\"}}");
        }
    }

    private void chunk(HttpExchange ex, Session s, byte[] body) throws Exception {
        String range = ex.getRequestHeaders().getFirst("Content-Range");
        contentRanges.add(range);
        int n = puts.incrementAndGet();
        if (failPuts.remove((Integer) n)) {
            // The connection "breaks" half-way: the first half of this PUT's bytes were received.
            if (!range.startsWith("bytes *") && body.length > 1) s.data.write(body, 0, body.length / 2);
            send(ex, 503, "{\"error\":{\"code\":503,\"message\":\"try again\"}}");
            return;
        }
        // "bytes a-b/total", "bytes a-b/*" or "bytes */total" (a status query)
        String spec = range.substring("bytes ".length());
        String total = spec.substring(spec.indexOf('/') + 1);
        if (!spec.startsWith("*")) {
            long first = Long.parseLong(spec.substring(0, spec.indexOf('-')));
            if (first == s.data.size()) {
                s.data.write(onReceive.apply(body));
            } else if (first + body.length > s.data.size()) {   // overlap after a retry: keep the new tail
                int skip = (int) (s.data.size() - first);
                s.data.write(onReceive.apply(body), skip, body.length - skip);
            }
        }
        if (!total.equals("*") && s.data.size() == Long.parseLong(total)) {
            byte[] data = s.data.toByteArray();
            ObjectNode meta = meta(s.bucket, s.name, data);
            String wantCrc = s.metadata.path("crc32c").asText(null);
            String wantMd5 = s.metadata.path("md5Hash").asText(null);
            if ((wantCrc != null && !wantCrc.equals(meta.get("crc32c").asText()))
                    || (wantMd5 != null && !wantMd5.equals(meta.get("md5Hash").asText()))) {
                send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Provided CRC32C/MD5 doesn't match calculated value\"}}");
                return;
            }
            objects.put(s.bucket + "/" + s.name, data);
            send(ex, 200, meta.toString());
            return;
        }
        if (s.data.size() > 0) ex.getResponseHeaders().add("Range", "bytes=0-" + (s.data.size() - 1));
        send(ex, 308, "");
    }

    private static ObjectNode meta(String bucket, String name, byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        String md5;
        try {
            md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return JSON.createObjectNode().put("kind", "storage#object").put("bucket", bucket).put("name", name)
                .put("id", bucket + "/" + name + "/1").put("generation", "1").put("metageneration", "1")
                .put("size", String.valueOf(data.length)).put("md5Hash", md5)
                .put("crc32c", Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array()));
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, code == 204 || b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) return q;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) q.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
        }
        return q;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    List<String> names() {
        return new ArrayList<>(new TreeMap<>(objects).keySet());
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
