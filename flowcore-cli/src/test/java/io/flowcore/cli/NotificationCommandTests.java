package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** flowcore notification …: rules managed from the command line, and a test message to a real HTTP receiver. */
class NotificationCommandTests extends CliTestSupport {

    @Test
    void rulesAreCreatedListedPausedTestedAndRemoved() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            received.add(ex.getRequestHeaders().getFirst("Flowcore-Event-Id") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            Map<String, String> env = Map.of("HOOK", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            assertEquals(0, run(env, "block", "create", "webhook", "ops", "--set-secret", "url=env:HOOK"), err.toString());
            assertEquals(0, run(env, "notification", "create", "failures", "--notifier", "ops", "--state", "Failed",
                    "--state", "Crashed", "--flow", "nightly"), err.toString());

            assertEquals(0, run(env, "notification", "ls", "--json"));
            assertTrue(out.toString().contains("\"name\" : \"failures\""), out.toString());
            assertTrue(out.toString().contains("\"states\" : [ \"Crashed\", \"Failed\" ]"), out.toString());

            assertEquals(0, run(env, "notification", "pause", "failures"));
            assertEquals(0, run(env, "notification", "ls"));
            assertTrue(out.toString().matches("(?s).*failures\\s+ops\\s+yes\\s+Crashed,Failed.*"), out.toString());
            assertEquals(0, run(env, "notification", "resume", "failures"));

            assertEquals(0, run(env, "notification", "test", "failures"), err.toString());
            assertEquals(1, received.size());
            assertTrue(received.getFirst().contains("flowcore test notification") || received.getFirst().contains("test"),
                    received.toString());

            assertNotEquals(0, run(env, "notification", "create", "typo", "--notifier", "opz", "--state", "Failed"));
            assertTrue(err.toString().contains("opz"), err.toString());

            assertEquals(0, run(env, "notification", "rm", "failures"));
            assertNotEquals(0, run(env, "notification", "inspect", "failures"));
            assertTrue(err.toString().contains("no notification rule named 'failures'"), err.toString());
        } finally {
            server.stop(0);
        }
    }
}
