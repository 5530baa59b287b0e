package io.flowcore.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Registers routes with Javalin and remembers them, so a test can hold the OpenAPI document to them. */
final class Router {
    /**
     * A registered route, e.g. {@code GET /api/flow-runs/{id}}.
     *
     * @param role the role it needs; null for a public route
     */
    record Route(String method, String path, Role role) {
    }

    private final RoutesConfig routes;
    private final List<Route> registered = new ArrayList<>();

    Router(RoutesConfig routes) {
        this.routes = routes;
    }

    /** No role: a public route. */
    void get(String path, Handler h, Role... roles) {
        routes.get(path, h, Needs.of(roles));
        registered.add(new Route("GET", path, roles.length == 0 ? null : roles[0]));
    }

    void post(String path, Handler h, Role... roles) {
        routes.post(path, h, Needs.of(roles));
        registered.add(new Route("POST", path, roles.length == 0 ? null : roles[0]));
    }

    /**
     * A stream of server-sent events; {@code before} runs first and may still answer with an error status
     * (a 404 for a run the caller cannot see), which a stream, once its 200 headers are sent, could not.
     */
    void sse(String path, Handler before, Consumer<SseClient> client, Role... roles) {
        SseHandler stream = new SseHandler(0, client); // 0: no timeout, as Javalin's own sse routes
        routes.get(path, ctx -> {
            before.handle(ctx);
            stream.handle(ctx);
        }, Needs.of(roles));
        registered.add(new Route("GET", path, roles.length == 0 ? null : roles[0]));
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
