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
        routes.get(path, h, roles);
        registered.add(new Route("GET", path));
    }

    void post(String path, Handler h, Role... roles) {
        routes.post(path, h, roles);
        registered.add(new Route("POST", path));
    }

    void sse(String path, Consumer<SseClient> client, Role... roles) {
        routes.sse(path, client, roles);
        registered.add(new Route("GET", path));
    }

    List<Route> registered() {
        return List.copyOf(registered);
    }
}
