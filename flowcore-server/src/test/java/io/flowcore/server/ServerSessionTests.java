package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.engine.Flowcore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dashboard sessions (cookie flags, CSRF), the log stream's resume, and the rules of --no-auth. */
@DisplayName("server sessions, CSRF and log streams")
class ServerSessionTests {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path home;

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder form(String url, String body, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) b.header("Cookie", cookie);
        return b;
    }

    @Test
    void aLoginSetsAStrictHttpOnlyCookieAndAPostWithoutItsCsrfTokenIsRefused() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
            String key = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system()).create(Role.RUN).key();
            UUID run = fc.executeVoid(TestFlows.class, f -> f.boom("x")).id();

            HttpResponse<String> login = send(form(server.url() + "/login", "key=" + key, null));
            assertEquals(302, login.statusCode(), login.body());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.contains("HttpOnly"), setCookie);
            assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(server.url() + "/runs/" + run))
                    .header("Cookie", cookie));
            assertEquals(200, page.statusCode());
            String csrf = page.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");

            assertEquals(403, send(form(server.url() + "/runs/" + run + "/retry", "", cookie)).statusCode());
            assertEquals(403, send(form(server.url() + "/runs/" + run + "/retry", "csrf=forged", cookie)).statusCode());
            // with the token the request gets through the checks (and fails on its merits: no deployment)
            assertEquals(400, send(form(server.url() + "/runs/" + run + "/retry", "csrf=" + csrf, cookie)).statusCode());

            assertEquals(302, send(HttpRequest.newBuilder(URI.create(server.url() + "/runs"))).statusCode());
            assertEquals(401, send(form(server.url() + "/login", "key=fck_nope", null)).statusCode());
        }
    }

    @Test
    void aLoginOutlivesARestartOfTheServerButNotALogoutOrItsKeysRevocation() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO))) {
            ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
            ApiKeys.Created key = keys.create(Role.READ);
            String cookie;
            int port;
            try (FlowcoreServer first = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0))) {
                port = first.port();
                HttpResponse<String> login = send(form(first.url() + "/login", "key=" + key.key(), null));
                assertEquals(302, login.statusCode(), login.body());
                String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
                cookie = setCookie.substring(0, setCookie.indexOf(';'));
                assertEquals(200, send(HttpRequest.newBuilder(URI.create(first.url() + "/runs")).header("Cookie", cookie))
                        .statusCode());
            }
            String token = cookie.substring(cookie.indexOf('=') + 1);
            assertTrue(fc.apiKeys().session(token).isEmpty(), "the store keeps a hash of the token, not the token");

            try (FlowcoreServer again = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(port))) {
                HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(again.url() + "/runs")).header("Cookie", cookie));
                assertEquals(200, page.statusCode(), "the restarted server knows the session");
                String csrf = page.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
                assertEquals(302, send(form(again.url() + "/logout", "csrf=" + csrf, cookie)).statusCode());
                assertEquals(302, send(HttpRequest.newBuilder(URI.create(again.url() + "/runs")).header("Cookie", cookie))
                        .statusCode(), "logged out: to the login page");

                HttpResponse<String> login = send(form(again.url() + "/login", "key=" + key.key(), null));
                String second = login.headers().firstValue("Set-Cookie").orElseThrow();
                String cookie2 = second.substring(0, second.indexOf(';'));
                assertEquals(200, send(HttpRequest.newBuilder(URI.create(again.url() + "/runs")).header("Cookie", cookie2))
                        .statusCode());
                assertTrue(keys.revoke(key.id()));
                assertEquals(302, send(HttpRequest.newBuilder(URI.create(again.url() + "/runs")).header("Cookie", cookie2))
                        .statusCode(), "a revoked key ends its sessions");
            }
        }
    }

    @Test
    void theLogStreamResumesAfterTheLastEventIdAndEndsWithTheRun() throws Exception {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0).withAuth(false))) {
            UUID run = fc.execute(TestFlows.class, f -> f.etl(2, "streamed")).id();
            int lines = fc.history().logs(run).size();
            HttpResponse<String> all = send(HttpRequest.newBuilder(URI.create(server.url() + "/api/flow-runs/" + run
                    + "/logs/stream")).header("Accept", "text/event-stream")); // as EventSource sends it
            assertEquals(lines, count(all.body(), "\"index\":"), all.body());
            assertEquals(1, count(all.body(), "event: logs"), "one event per page of lines: " + all.body());
            assertTrue(all.body().contains("event: end"), all.body());
            HttpResponse<String> rest = send(HttpRequest.newBuilder(URI.create(server.url() + "/api/flow-runs/" + run
                    + "/logs/stream")).header("Accept", "text/event-stream").header("Last-Event-ID", "1"));
            assertEquals(lines - 2, count(rest.body(), "\"index\":"), rest.body());
            assertTrue(rest.body().contains("\"index\":2,"), rest.body());
            assertTrue(rest.body().contains("id: " + (lines - 1)), "the event's id is its last line's index: " + rest.body());
        }
    }

    @Test
    void withoutAuthenticationItServesOnlyLoopbackAndTakesApiPostsOnlyAsJson() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new ServerOptions(0, "0.0.0.0", false));
        assertThrows(IllegalArgumentException.class, () -> new ServerOptions(0, "example.com", false));
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0).withAuth(false))) {
            UUID run = fc.execute(TestFlows.class, f -> f.etl(2, "x")).id();
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(server.url() + "/api/flow-runs"))).statusCode());
            // what a cross-site form could send: refused
            assertEquals(400, send(form(server.url() + "/api/flow-runs/" + run + "/cancel", "", null)).statusCode());
            HttpResponse<String> json = send(HttpRequest.newBuilder(URI.create(server.url() + "/api/flow-runs/" + run
                    + "/cancel")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(409, json.statusCode(), json.body()); // through the checks: the run has ended
            assertTrue(List.of(200, 302).contains(send(HttpRequest.newBuilder(URI.create(server.url() + "/runs")))
                    .statusCode()));
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
