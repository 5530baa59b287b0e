package io.flowcore.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Registers routes with Javalin and remembers them, so a test can hold the OpenAPI document to them. */
final class Router {
    /** A registered route, e.g. {@code GET /api/flow-runs/{id}}. */
    record Route(String method, String path) {
    }

    private final RoutesConfig routes;
    private final List<Route> registered = new ArrayList<>();

    Router(RoutesConfig routes) {
        this.routes = routes;
    }

    /** No role: a public route. */
    void get(String path, Handler h, Role... roles) {
        routes.get(path, h, Needs.of(roles));
        registered.add(new Route("GET", path));
    }

    void post(String path, Handler h, Role... roles) {
        routes.post(path, h, Needs.of(roles));
        registered.add(new Route("POST", path));
    }

    void sse(String path, Consumer<SseClient> client, Role... roles) {
        routes.sse(path, client, Needs.of(roles));
        registered.add(new Route("GET", path));
    }

    /** A route's role as Javalin carries it; kept apart so that {@link Role}, which is API, shows no Javalin type. */
    record Needs(Role role) implements io.javalin.security.RouteRole {
        static Needs[] of(Role... roles) {
            Needs[] n = new Needs[roles.length];
            for (int i = 0; i < roles.length; i++) n[i] = new Needs(roles[i]);
            return n;
        }
    }

    List<Route> registered() {
        return List.copyOf(registered);
    }
}
