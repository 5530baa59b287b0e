package io.flowcore.server;

import io.flowcore.api.deployment.InvalidParametersException;
import io.flowcore.engine.Flowcore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * flowcore server: a REST API under {@code /api} (described at {@code /api/openapi.json}) and a web
 * dashboard, both over one engine's store and its workspaces. Start it embedded:
 * <pre>{@code
 * try (Flowcore fc = Flowcore.create();
 *      FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(4200))) {
 *     ...
 * }
 * }</pre>
 * or from the command line with {@code flowcore server start}. With authentication on (the default), every
 * API call needs {@code Authorization: Bearer <key>} and the dashboard a login with a key; create keys with
 * {@link ApiKeys} or {@code flowcore server api-key create}.
 */
public final class FlowcoreServer implements AutoCloseable {
    private final Javalin app;
    private final LogStream logs;
    private final Workspaces workspaces;
    private final List<Router.Route> routes;
    private final String host;

    private FlowcoreServer(Javalin app, LogStream logs, Workspaces workspaces, List<Router.Route> routes, String host) {
        this.app = app;
        this.logs = logs;
        this.workspaces = workspaces;
        this.routes = routes;
        this.host = host;
    }

    /**
     * Starts a server over {@code fc}'s store; it serves until closed. Closing it leaves {@code fc} open.
     * {@code fc} is the workspace {@code default}; the server opens the other workspaces of its store (see
     * {@link Workspaces}) when a key of theirs first calls, and closes them when it stops.
     *
     * @throws IllegalStateException when authentication is on and the store keeps no API keys (the in-memory one)
     */
    public static FlowcoreServer start(Flowcore fc, ServerOptions options) {
        Objects.requireNonNull(fc, "fc");
        Objects.requireNonNull(options, "options");
        Auth auth = new Auth(options.auth() ? new ApiKeys(fc.apiKeys(), InstantSource.system()) : null,
                InstantSource.system());
        Workspaces workspaces = new Workspaces(fc, InstantSource.system());
        Api api = new Api(workspaces);
        LogStream logs = new LogStream(api);
        Router[] router = new Router[1];
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = 16L << 20; // a remote engine sends its writes in batches of up to about 8 MiB
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.routes.beforeMatched(auth::check);
            cfg.routes.before(ctx -> {
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("X-Frame-Options", "DENY");
                // no inline script runs, so an injected <script> would not either
                ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                        + "img-src 'self' data:; frame-ancestors 'none'");
            });
            router[0] = new Router(cfg.routes);
            api.register(router[0], logs);
            new Pages(api, auth).register(router[0]);
            new BlockForms(api).register(router[0]);
            new RuleForms(api).register(router[0]);
            new DeploymentForms(api).register(router[0]);
            new EngineApi(api).register(router[0]);
            cfg.routes.exception(Auth.LoginNeeded.class, (e, ctx) -> ctx.redirect("/login"));
            cfg.routes.exception(Auth.Unauthorized.class, (e, ctx) -> {
                ctx.header("WWW-Authenticate", "Bearer");
                error(ctx, 401, e.getMessage());
            });
            cfg.routes.exception(Auth.Forbidden.class, (e, ctx) -> error(ctx, 403, e.getMessage()));
            cfg.routes.exception(Api.NotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
            cfg.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            cfg.routes.exception(InvalidParametersException.class, (e, ctx) -> {
                if (isApi(ctx)) ctx.status(400).json(Api.violations(e));
                else error(ctx, 400, e.getMessage());
            });
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            cfg.routes.exception(IllegalStateException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
        });
        app.start(options.bindAddress(), options.port());
        return new FlowcoreServer(app, logs, workspaces, router[0].registered(), options.bindAddress());
    }

    private static boolean isApi(Context ctx) {
        return Auth.isForMachines(ctx.path());
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        if (isApi(ctx)) {
            ctx.json(Map.of("error", String.valueOf(message)));
        } else {
            ctx.html(Html.page("Error " + status, ctx.attribute("session"), "<p class=\"error\" id=\"error\">"
                    + Html.esc(message) + "</p>"));
        }
    }

    /** The port it listens on (the one picked when the options said 0). */
    public int port() {
        return app.port();
    }

    /** {@code http://<bind address>:<port>}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + (h.equals("0.0.0.0") ? "127.0.0.1" : h) + ":" + port();
    }

    /** The workspaces it serves. */
    Workspaces workspaces() {
        return workspaces;
    }

    /** Every route, for the test that holds the OpenAPI document to them. */
    List<Router.Route> routes() {
        return routes;
    }

    /** Stops serving; open log streams end (browsers reconnect to a new server on their own). */
    @Override
    public void close() {
        logs.close();
        app.stop();
        workspaces.close();
    }
}
