package io.flowcore.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.InvalidParametersException;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.FlowcoreConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The REST API under {@code /api}; its routes are listed in {@code openapi.json} (a test keeps them in step). */
final class Api {
    static final int MAX_LOG_PAGE = 1000;

    private final Workspaces workspaces;

    Api(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    /** The engine of the caller's workspace: the one of its key, never one named by the request. */
    Flowcore fc(Context ctx) {
        return workspaces.engine(ctx.attribute("workspace"));
    }

    void register(Router r, LogStream logs) {
        r.get("/api/health", ctx -> ctx.json(Map.of("status", "ok", "store",
                workspaces.engine(FlowcoreConfig.DEFAULT_WORKSPACE).history().storeName())));
        r.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
        r.get("/metrics", this::metrics, Role.READ);
        r.get("/api/flow-runs", this::flowRuns, Role.READ);
        r.get("/api/flow-runs/{id}", this::flowRun, Role.READ);
        r.get("/api/flow-runs/{id}/task-runs", ctx -> ctx.json(fc(ctx).history().taskRuns(run(ctx).id()).stream()
                .map(Views::taskRun).toList()), Role.READ);
        r.get("/api/flow-runs/{id}/graph", ctx -> ctx.json(Views.graph(fc(ctx).history().graph(run(ctx).id()))), Role.READ);
        r.get("/api/flow-runs/{id}/logs", this::logs, Role.READ);
        r.sse("/api/flow-runs/{id}/logs/stream", logs::find, logs::stream, Role.READ);
        r.post("/api/flow-runs/{id}/cancel", ctx -> ctx.json(Map.of("cancelled", cancel(fc(ctx), run(ctx)))), Role.RUN);
        r.post("/api/flow-runs/{id}/retry", ctx -> ctx.status(201)
                .json(Views.flowRun(fc(ctx).deployments().retry(run(ctx).id()), null)), Role.RUN);
        r.get("/api/deployments", ctx -> ctx.json(fc(ctx).deployments().list().stream()
                .map(d -> Views.deployment(d, fc(ctx).deployments().isPaused(d.fullName()))).toList()), Role.READ);
        r.get("/api/deployments/{flow}/{name}", ctx -> {
            DeploymentRecord d = deployment(fc(ctx), ctx);
            ctx.json(Views.deployment(d, fc(ctx).deployments().isPaused(d.fullName())));
        }, Role.READ);
        r.post("/api/deployments/{flow}/{name}/runs", this::runDeployment, Role.RUN);
        r.post("/api/deployments/{flow}/{name}/backfill", this::backfill, Role.RUN);
        for (boolean pause : new boolean[] {true, false}) {
            r.post("/api/deployments/{flow}/{name}/" + (pause ? "pause" : "resume"), ctx -> {
                String d = deployment(fc(ctx), ctx).fullName();
                setPaused(fc(ctx), d, pause);
                ctx.json(Map.of("deployment", d, "paused", fc(ctx).deployments().isPaused(d)));
            }, Role.ADMIN);
            r.post("/api/work-queues/{name}/" + (pause ? "pause" : "resume"), ctx -> ctx.json(Views.workQueue(
                    setQueuePaused(fc(ctx), ctx.pathParam("name"), pause))), Role.ADMIN);
        }
        r.get("/api/work-queues", ctx -> ctx.json(fc(ctx).workQueues().list().stream().map(Views::workQueue).toList()),
                Role.READ);
        r.get("/api/blocks", ctx -> {
            List<Map<String, Object>> out = new ArrayList<>();
            fc(ctx).blocks().list().forEach((name, type) -> out.add(Map.of("name", name, "type", type)));
            ctx.json(out);
        }, Role.READ);
        r.get("/api/blocks/{name}", ctx -> {
            String name = ctx.pathParam("name");
            String type = fc(ctx).blocks().list().get(name);
            if (type == null) throw new NotFound("no block '" + name + "'");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("type", type);
            m.put("fields", Views.tree(maskedBlock(fc(ctx), name))); // secrets masked: never returned
            ctx.json(m);
        }, Role.READ);
        r.get("/api/notification-rules", ctx -> ctx.json(rules(fc(ctx)).stream().map(Views::rule).toList()), Role.READ);
    }

    /** The engine's metrics in Prometheus' format, when it records into a Prometheus registry. */
    private void metrics(io.javalin.http.Context ctx) {
        var registry = PrometheusMetrics.prometheus(fc(ctx).meterRegistry()).orElseThrow(() -> new NotFound("this server's "
                + "engine records no metrics: start it with 'flowcore server start', or give its engine "
                + "FlowcoreConfig.meterRegistry(PrometheusMetrics.registry())"));
        ctx.contentType(PrometheusMetrics.CONTENT_TYPE).result(registry.scrape());
    }

    private void flowRuns(Context ctx) {
        FlowRunQuery q = RunFilter.from(ctx);
        List<FlowRunRecord> runs = fc(ctx).history().flowRuns(q);
        Map<UUID, String> deployments = fc(ctx).deployments().ofRuns(runs.stream().map(FlowRunRecord::id).toList());
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", runs.stream().map(r -> Views.flowRun(r, deployments.get(r.id()))).toList());
        page.put("nextCursor", runs.size() == q.limit()
                ? RunFilter.encode(FlowRunQuery.Cursor.of(runs.getLast())) : null);
        ctx.json(page);
    }

    private void flowRun(Context ctx) {
        FlowRunRecord r = run(ctx);
        Map<String, Object> m = Views.flowRun(r, fc(ctx).deployments().ofRuns(List.of(r.id())).get(r.id()));
        m.put("stateHistory", Views.history(fc(ctx).history().stateHistory(r.id())));
        ctx.json(m);
    }

    private void logs(Context ctx) {
        FlowRunRecord r = run(ctx);
        int offset = nonNegative("offset", ctx.queryParam("offset"), 0);
        int limit = Math.min(nonNegative("limit", ctx.queryParam("limit"), MAX_LOG_PAGE), MAX_LOG_PAGE);
        // one line more than the page: whether there is a next page, without counting the whole log
        List<RunLog> lines = limit == 0 ? List.of() : fc(ctx).history().logs(r.id(), offset, limit + 1);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < Math.min(lines.size(), limit); i++) items.add(Views.log(lines.get(i), offset + i));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        page.put("nextOffset", lines.size() > limit ? offset + limit : null);
        ctx.json(page);
    }

    private void runDeployment(Context ctx) {
        DeploymentRecord d = deployment(fc(ctx), ctx);
        JsonNode body = Views.readBody(ctx.body());
        JsonNode params = body.path("parameters");
        if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
            throw new BadRequest("parameters must be a JSON object (name -> value)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = params.isObject() ? Views.MAPPER.convertValue(params, Map.class) : Map.of();
        ctx.status(201).json(Views.flowRun(fc(ctx).deployments().run(d.fullName(), values), d.fullName()));
    }

    /** Pauses or resumes a deployment: paused, its schedules create no runs and no run of it can be started. */
    static void setPaused(Flowcore fc, String deployment, boolean pause) {
        if (pause) fc.deployments().pause(deployment);
        else fc.deployments().resume(deployment);
    }

    /** Pauses or resumes a work queue: paused, workers claim none of its runs. */
    static io.flowcore.api.deployment.WorkQueue setQueuePaused(Flowcore fc, String queue, boolean pause) {
        if (fc.workQueues().get(queue).isEmpty()) throw new NotFound("no work queue '" + queue + "'");
        return pause ? fc.workQueues().pause(queue) : fc.workQueues().resume(queue);
    }

    /** Body {@code {"from": "2021-01-01", "to": "2021-12-31", "dryRun": true}}: the backfill of the CLI. */
    private void backfill(Context ctx) {
        DeploymentRecord d = deployment(fc(ctx), ctx);
        JsonNode body = Views.readBody(ctx.body());
        JsonNode dry = body.path("dryRun");
        if (!dry.isMissingNode() && !dry.isBoolean()) throw new BadRequest("'dryRun' must be true or false");
        boolean dryRun = dry.asBoolean(false);
        var planned = fc(ctx).deployments().backfill(d.fullName(), date(body.path("from").asText(null), "from"),
                date(body.path("to").asText(null), "to"), dryRun);
        ctx.status(dryRun ? 200 : 201).json(Views.backfill(planned, dryRun));
    }

    /** A day such as 2021-01-01, or a 400 naming {@code field}. */
    static java.time.LocalDate date(String text, String field) {
        if (text == null || text.isBlank()) throw new BadRequest("'" + field + "' is required: a day such as 2021-01-01");
        try {
            return java.time.LocalDate.parse(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest("'" + field + "' is not a day such as 2021-01-01: " + text);
        }
    }

    static boolean cancel(Flowcore fc, FlowRunRecord r) {
        if (r.state().type().isFinal()) {
            throw new IllegalStateException("flow run '" + r.name() + "' has ended (" + r.state().name() + ")");
        }
        return fc.cancel(r.id());
    }

    FlowRunRecord run(Context ctx) {
        return run(fc(ctx), ctx.pathParam("id"));
    }

    static FlowRunRecord run(Flowcore fc, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("id must be a flow run's UUID: '" + id + "'");
        }
        return fc.history().flowRun(uuid).orElseThrow(() -> new NotFound("no flow run " + uuid));
    }

    static DeploymentRecord deployment(Flowcore fc, Context ctx) {
        String fullName = ctx.pathParam("flow") + "/" + ctx.pathParam("name");
        return fc.deployments().get(fullName).orElseThrow(() -> new NotFound("no deployment '" + fullName + "'"));
    }

    static String maskedBlock(Flowcore fc, String name) {
        try {
            return fc.blocks().toMaskedJson(fc.blocks().load(name));
        } catch (io.flowcore.api.block.BlockException e) {
            throw new IllegalStateException("block '" + name + "' cannot be read here: " + e.getMessage(), e);
        }
    }

    static List<io.flowcore.api.notification.NotificationRule> rules(Flowcore fc) {
        try {
            return fc.notifications().rules();
        } catch (IllegalStateException noRulesInThisStore) {
            return List.of();
        }
    }

    /** Answers a bad run request with 400 and every violation, each naming its parameter. */
    static Map<String, Object> violations(InvalidParametersException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.getMessage());
        m.put("violations", e.violations().stream().map(v -> Map.of("parameter", v.path(), "value", v.value(),
                "message", v.message())).toList());
        return m;
    }

    private static int nonNegative(String param, String value, int fallback) {
        if (value == null || value.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) throw new BadRequest(param + " must not be negative: " + value);
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest(param + " must be a whole number: '" + value + "'");
        }
    }

    private static String openApi() {
        try (InputStream in = Api.class.getResourceAsStream("openapi.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 404. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
