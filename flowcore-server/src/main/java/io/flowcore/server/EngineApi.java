package io.flowcore.server;

import io.flowcore.engine.EngineEndpoint;
import io.javalin.http.Context;

/**
 * The engine API: remote engines and workers ({@code FlowcoreConfig.server(url, key)}, {@code flowcore worker
 * start --server URL}) keep their runs in the workspace of their key through it. Writes come as batches
 * ({@code POST /api/engine/ops}), everything else as a call of the store by name with a JSON array of
 * arguments ({@code POST /api/engine/call/{name}}). Needs the worker role; calls that change deployments,
 * queues or blocks or delete runs need admin. The engine's {@link EngineEndpoint} does the work.
 */
final class EngineApi {
    private final Api api;

    EngineApi(Api api) {
        this.api = api;
    }

    void register(Router r) {
        r.post("/api/engine/ops", ctx -> {
            endpoint(ctx).write(ctx.bodyAsBytes());
            ctx.contentType("application/json").result("{}");
        }, Role.WORKER);
        r.post("/api/engine/call/{name}", ctx -> {
            String name = ctx.pathParam("name");
            if (EngineEndpoint.needsAdmin(name) && !((Role) ctx.attribute("role")).allows(Role.ADMIN)) {
                throw new Auth.Forbidden("a worker key may not call " + name + ": it needs the admin role");
            }
            ctx.contentType("application/json").result(endpoint(ctx).call(name, ctx.bodyAsBytes()));
        }, Role.WORKER);
    }

    private EngineEndpoint endpoint(Context ctx) {
        return new EngineEndpoint(api.fc(ctx));
    }
}
