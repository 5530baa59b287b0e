package io.flowcore.blocks.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on loopback that records every request and answers from a script: each queued
 * answer once, then 200 "ok". {@link #hold()} makes it keep the next answers back until closed (a
 * receiver that never answers).
 */
final class Receiver implements AutoCloseable {

    /** One request as received: the raw body bytes decoded as UTF-8, header names in lower case. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null ? null : String.join(",", v);
        }
    }

    record Answer(int status, String body, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Answer> script = new ArrayBlockingQueue<>(100);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean holding;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new java.util.TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), headers, new String(body, StandardCharsets.UTF_8)));
            if (holding) {
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer a = script.poll();
            if (a == null) a = new Answer(200, "ok", Map.of());
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    /** The URL of {@code pathAndQuery} on this server, e.g. {@code /services/T0/B0/secret}. */
    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    /** Queues an answer for the next request not yet answered. */
    Receiver answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    /** Queues an answer with response headers. */
    Receiver answer(int status, String body, Map<String, String> headers) {
        script.add(new Answer(status, body, headers));
        return this;
    }

    /** From now on, requests are answered only when this receiver is closed. */
    void hold() {
        holding = true;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request only() {
        if (requests.size() != 1) throw new AssertionError("expected one request, got " + requests.size() + ": " + requests);
        return requests.getFirst();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
