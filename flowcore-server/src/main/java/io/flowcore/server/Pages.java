package io.flowcore.server;

import static io.flowcore.server.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.InvalidParametersException;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The dashboard's pages: server-rendered HTML, every user value escaped (see {@link Html}). */
final class Pages {
    private static final int MAX_TASK_ROWS = 1000;

    private final Api api;
    private final Auth auth;
    private final Timeline timeline = new Timeline();

    Pages(Api api, Auth auth) {
        this.api = api;
        this.auth = auth;
    }

    private Flowcore fc(Context ctx) {
        return api.fc(ctx);
    }

    void register(Router r) {
        r.get("/", ctx -> ctx.redirect("/runs"));
        r.get("/login", ctx -> ctx.html(login(null)));
        r.post("/login", ctx -> {
            if (auth.login(ctx, ctx.formParam("key")).isPresent()) {
                ctx.redirect("/runs");
            } else {
                ctx.status(401).html(login("That API key is not valid."));
            }
        });
        r.post("/logout", ctx -> {
            auth.logout(ctx);
            ctx.redirect("/login");
        }, Role.READ);
        r.get("/runs", this::runs, Role.READ);
        r.get("/runs/{id}", this::run, Role.READ);
        r.post("/runs/{id}/cancel", ctx -> {
            FlowRunRecord run = Api.run(fc(ctx), ctx.pathParam("id"));
            Api.cancel(fc(ctx), run);
            ctx.redirect("/runs/" + run.id());
        }, Role.RUN);
        r.post("/runs/{id}/retry", ctx -> {
            FlowRunRecord retry = fc(ctx).deployments().retry(Api.run(fc(ctx), ctx.pathParam("id")).id());
            ctx.redirect("/runs/" + retry.id());
        }, Role.RUN);
        r.get("/deployments", this::deployments, Role.READ);
        r.get("/deployments/{flow}/{name}", ctx -> deployment(ctx, Map.of(), null, ""), Role.READ);
        r.post("/deployments/{flow}/{name}/run", this::runDeployment, Role.RUN);
        r.post("/deployments/{flow}/{name}/backfill", this::backfill, Role.RUN);
        for (boolean pause : new boolean[] {true, false}) {
            String verb = pause ? "pause" : "resume";
            r.post("/deployments/{flow}/{name}/" + verb, ctx -> {
                DeploymentRecord d = Api.deployment(fc(ctx), ctx);
                Api.setPaused(fc(ctx), d.fullName(), pause);
                ctx.redirect("/deployments/" + Html.url(d.flowName()) + "/" + Html.url(d.name()));
            }, Role.ADMIN);
            r.post("/work-queues/{name}/" + verb, ctx -> {
                Api.setQueuePaused(fc(ctx), ctx.pathParam("name"), pause);
                ctx.redirect("/work-queues");
            }, Role.ADMIN);
        }
        r.get("/work-queues", this::workQueues, Role.READ);
        r.get("/blocks", this::blocks, Role.READ);
        for (String file : List.of("app.css", "app.js")) {
            r.get("/static/" + file, ctx -> ctx.contentType(file.endsWith(".css") ? "text/css" : "text/javascript")
                    .header("Cache-Control", "max-age=3600").result(Pages.class.getResourceAsStream("static/" + file)));
        }
    }

    private static Auth.Session session(Context ctx) {
        return ctx.attribute("session");
    }

    private static String login(String error) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in · flowcore</title>"
                + "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"login\"><h1>flowcore</h1>"
                + (error == null ? "" : "<p class=\"error\">" + esc(error) + "</p>")
                + "<form method=\"post\" action=\"/login\"><label>API key <input type=\"password\" name=\"key\" "
                + "autocomplete=\"off\" required></label> <button>Log in</button></form>"
                + "<p class=\"hint\">Create one with <code>flowcore server api-key create --role read</code>.</p>"
                + "</main></body></html>";
    }

    private void runs(Context ctx) {
        FlowRunQuery q = RunFilter.from(ctx);
        List<FlowRunRecord> runs = fc(ctx).history().flowRuns(q);
        Map<UUID, String> deployments = fc(ctx).deployments().ofRuns(runs.stream().map(FlowRunRecord::id).toList());
        String state = RunFilter.blankToNull(ctx.queryParam("state"));
        String name = RunFilter.blankToNull(ctx.queryParam("name"));
        StringBuilder b = new StringBuilder(ctx.queryParam("cursor") == null ? timeline.html(fc(ctx), Instant.now()) : "")
                .append("<form class=\"filters\" method=\"get\" action=\"/runs\">")
                .append("<label>State <select name=\"state\" id=\"state-filter\"><option value=\"\">any</option>");
        for (StateType t : StateType.values()) {
            String label = label(t);
            b.append("<option value=\"").append(label).append("\"")
                    .append(label.equalsIgnoreCase(state == null ? "" : state) ? " selected" : "").append(">")
                    .append(label).append("</option>");
        }
        b.append("</select></label> <label>Name <input type=\"search\" name=\"name\" id=\"name-filter\" value=\"")
                .append(esc(name)).append("\"></label> <button>Filter</button></form>");
        if (runs.isEmpty()) {
            b.append("<p class=\"empty\">No flow runs match.</p>");
        } else {
            b.append("<table class=\"runs\"><thead><tr><th>Run</th><th>Flow</th><th>Deployment</th><th>State</th>")
                    .append("<th>Created</th><th>Duration</th></tr></thead><tbody>");
            Instant now = Instant.now();
            for (FlowRunRecord r : runs) {
                b.append("<tr class=\"run\"><td><a href=\"/runs/").append(r.id()).append("\">").append(esc(r.name()))
                        .append("</a></td><td>").append(esc(r.flowName())).append("</td><td>")
                        .append(esc(deployments.get(r.id()))).append("</td><td>").append(Html.state(r.state()))
                        .append("</td><td>").append(Html.time(r.createdAt())).append("</td><td>")
                        .append(duration(r, now)).append("</td></tr>");
            }
            b.append("</tbody></table>");
            if (runs.size() == q.limit()) {
                b.append("<p><a class=\"next\" href=\"/runs?").append(state == null ? "" : "state=" + Html.url(state) + "&")
                        .append(name == null ? "" : "name=" + Html.url(name) + "&").append("cursor=")
                        .append(RunFilter.encode(FlowRunQuery.Cursor.of(runs.getLast()))).append("\">Older runs →</a></p>");
            }
        }
        ctx.html(Html.page("Flow runs", session(ctx), b.toString()));
    }

    static String label(StateType t) {
        String n = t.name().toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    private static String duration(FlowRunRecord r, Instant now) {
        if (r.state().type() == StateType.SCHEDULED) return "";
        Instant end = r.state().type().isFinal() ? r.state().timestamp() : now;
        return Html.duration(Duration.between(r.createdAt(), end).abs());
    }

    private void run(Context ctx) {
        FlowRunRecord r = Api.run(fc(ctx), ctx.pathParam("id"));
        Auth.Session session = session(ctx);
        String deployment = fc(ctx).deployments().ofRuns(List.of(r.id())).get(r.id());
        StringBuilder b = new StringBuilder("<section class=\"summary\"><p>")
                .append("<span id=\"run-state\">").append(Html.state(r.state())).append("</span> ")
                .append(esc(r.state().message())).append("</p><dl><dt>Run</dt><dd id=\"run-name\">").append(esc(r.name()))
                .append("</dd><dt>Flow</dt><dd>").append(esc(r.flowName())).append("</dd><dt>Deployment</dt><dd>")
                .append(esc(deployment)).append("</dd><dt>Created</dt><dd>").append(Html.time(r.createdAt()))
                .append("</dd><dt>Id</dt><dd>").append(r.id()).append("</dd></dl>");
        if (!r.state().type().isFinal()) {
            b.append("<form method=\"post\" action=\"/runs/").append(r.id()).append("/cancel\">").append(Html.csrf(session))
                    .append("<button id=\"cancel\" class=\"danger\">Cancel</button></form>");
        }
        if (deployment != null && (r.state().type() == StateType.FAILED || r.state().type() == StateType.CRASHED)) {
            b.append("<form method=\"post\" action=\"/runs/").append(r.id()).append("/retry\">").append(Html.csrf(session))
                    .append("<button id=\"retry\">Retry</button></form>");
        }
        b.append("</section><h2>Parameters</h2><pre id=\"parameters\">").append(esc(pretty(r.parametersJson())))
                .append("</pre><h2>State history</h2><table><tr><th>State</th><th>At</th><th>Message</th></tr>");
        for (StateChange c : fc(ctx).history().stateHistory(r.id())) {
            b.append("<tr><td>").append(Html.state(c.state())).append("</td><td>").append(Html.time(c.state().timestamp()))
                    .append("</td><td>").append(esc(c.state().message())).append("</td></tr>");
        }
        b.append("</table><h2>Task graph</h2><div id=\"graph\">").append(GraphView.html(fc(ctx).history().graph(r.id())))
                .append("</div><h2>Task runs</h2>");
        List<TaskRunRecord> tasks = fc(ctx).history().taskRuns(r.id());
        if (tasks.isEmpty()) {
            b.append("<p class=\"empty\">No task runs.</p>");
        } else {
            b.append("<table id=\"task-runs\"><tr><th>Task run</th><th>State</th><th>Created</th></tr>");
            for (TaskRunRecord t : tasks.subList(0, Math.min(tasks.size(), MAX_TASK_ROWS))) {
                b.append("<tr><td>").append(esc(t.name())).append("</td><td>").append(Html.state(t.state()))
                        .append("</td><td>").append(Html.time(t.createdAt())).append("</td></tr>");
            }
            b.append("</table>");
            if (tasks.size() > MAX_TASK_ROWS) {
                b.append("<p>").append(tasks.size() - MAX_TASK_ROWS).append(" more task runs: see <a href=\"/api/flow-runs/")
                        .append(r.id()).append("/task-runs\">the API</a>.</p>");
            }
        }
        b.append("<h2>Logs</h2><p><a href=\"/api/flow-runs/").append(r.id()).append("/logs\">Download (JSON)</a> · ")
                .append("<span id=\"log-status\">connecting…</span></p><pre id=\"logs\" data-stream=\"/api/flow-runs/")
                .append(r.id()).append("/logs/stream\"></pre>");
        ctx.html(Html.page("Flow run " + r.name(), session, b.toString()));
    }

    private static String pretty(String json) {
        Object tree = Views.tree(json);
        try {
            return tree instanceof JsonNode n ? Views.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n)
                    : String.valueOf(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(json);
        }
    }

    private void deployments(Context ctx) {
        StringBuilder b = new StringBuilder("<p><a href=\"/deployments/new\" id=\"new-deployment\">New deployment</a></p>");
        List<DeploymentRecord> all = fc(ctx).deployments().list();
        if (all.isEmpty()) {
            b.append("<p class=\"empty\">No deployments.</p>");
        } else {
            b.append("<table><tr><th>Deployment</th><th>Version</th><th>Work queue</th><th>Tags</th><th>Schedules</th>")
                    .append("<th>Paused</th></tr>");
            for (DeploymentRecord d : all) {
                b.append("<tr><td><a href=\"/deployments/").append(esc(Html.url(d.flowName()))).append("/")
                        .append(esc(Html.url(d.name()))).append("\">").append(esc(d.fullName())).append("</a></td><td>")
                        .append(d.version()).append("</td><td>").append(esc(d.workQueue())).append("</td><td>")
                        .append(esc(String.join(", ", d.tags()))).append("</td><td>")
                        .append(esc(String.join("; ", d.schedules().stream().map(Views::schedule).toList())))
                        .append("</td><td>").append(fc(ctx).deployments().isPaused(d.fullName()) ? "yes" : "").append("</td></tr>");
            }
            b.append("</table>");
        }
        ctx.html(Html.page("Deployments", session(ctx), b.toString()));
    }

    /**
     * The deployment with its "Run" form; {@code entered} refills the form after a validation error, {@code backfill}
     * is the outcome of a backfill just asked for (HTML), or empty.
     */
    private void deployment(Context ctx, Map<String, String> entered, InvalidParametersException error, String backfill) {
        DeploymentRecord d = Api.deployment(fc(ctx), ctx);
        Auth.Session session = session(ctx);
        JsonNode defaults = Views.tree(d.parametersJson()) instanceof JsonNode n ? n : Views.MAPPER.createObjectNode();
        JsonNode schema = Views.tree(d.parameterSchema()) instanceof JsonNode n ? n : Views.MAPPER.createObjectNode();
        boolean paused = fc(ctx).deployments().isPaused(d.fullName());
        StringBuilder b = new StringBuilder("<form class=\"inline\" method=\"post\" action=\"/deployments/")
                .append(esc(Html.url(d.flowName()))).append("/").append(esc(Html.url(d.name()))).append(paused ? "/resume" : "/pause")
                .append("\">").append(Html.csrf(session)).append("<span id=\"deployment-paused\">")
                .append(paused ? "Paused: its schedules create no runs and it cannot be run." : "Active.").append("</span> ")
                .append("<button id=\"").append(paused ? "resume" : "pause").append("-deployment\">")
                .append(paused ? "Resume" : "Pause").append("</button></form> <a class=\"edit\" id=\"edit-deployment\" href=\"/deployments/")
                .append(esc(Html.url(d.flowName()))).append("/").append(esc(Html.url(d.name()))).append("/edit\">Edit</a>")
                .append("<dl><dt>Version</dt><dd>").append(d.version())
                .append("</dd><dt>Work queue</dt><dd>").append(esc(d.workQueue())).append("</dd><dt>Tags</dt><dd>")
                .append(esc(String.join(", ", d.tags()))).append("</dd><dt>Description</dt><dd>").append(esc(d.description()))
                .append("</dd><dt>Schedules</dt><dd>")
                .append(d.schedules().isEmpty() ? "none" : esc(String.join("; ", d.schedules().stream().map(Views::schedule).toList())))
                .append("</dd></dl><h2>Default parameters</h2><pre>").append(esc(pretty(d.parametersJson()))).append("</pre>")
                .append("<h2>Run</h2>");
        if (error != null) {
            b.append("<div class=\"error\" id=\"run-error\"><p>The run was not created:</p><ul>");
            for (var v : error.violations()) b.append("<li>").append(esc(v.toString())).append("</li>");
            b.append("</ul></div>");
        }
        b.append("<form class=\"run-form\" method=\"post\" action=\"/deployments/").append(esc(Html.url(d.flowName())))
                .append("/").append(esc(Html.url(d.name()))).append("/run\">").append(Html.csrf(session));
        JsonNode props = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String type = p.getValue().path("type").asText("");
            JsonNode def = defaults.get(p.getKey());
            String value = entered.containsKey(p.getKey()) ? entered.get(p.getKey())
                    : def == null || def.isNull() ? "" : def.isTextual() ? def.asText() : def.toString();
            b.append("<label>").append(esc(p.getKey())).append(" <small>").append(esc(type)).append(describe(p.getValue()))
                    .append("</small> <input name=\"p.").append(esc(p.getKey())).append("\" value=\"").append(esc(value))
                    .append("\"></label>");
        }
        if (!props.fields().hasNext()) b.append("<p>This deployment records no parameter schema: it runs with its defaults.</p>");
        b.append("<button id=\"run\">Run</button></form>");
        if (!d.schedules().isEmpty()) {
            String from = ctx.formParam("from") == null ? "" : ctx.formParam("from");
            String to = ctx.formParam("to") == null ? "" : ctx.formParam("to");
            b.append("<h2>Backfill</h2><p class=\"hint\">One run per instant of the schedules in these days (inclusive), ")
                    .append("templated like a scheduled run; instants that have a run already are left as they are.</p>")
                    .append("<form class=\"backfill-form\" method=\"post\" action=\"/deployments/")
                    .append(esc(Html.url(d.flowName()))).append("/").append(esc(Html.url(d.name()))).append("/backfill\">")
                    .append(Html.csrf(session)).append("<label>From <input type=\"date\" name=\"from\" id=\"backfill-from\" value=\"")
                    .append(esc(from)).append("\"></label> <label>To <input type=\"date\" name=\"to\" id=\"backfill-to\" value=\"")
                    .append(esc(to)).append("\"></label> <button name=\"action\" value=\"preview\" id=\"backfill-preview\">Preview")
                    .append("</button> <button name=\"action\" value=\"create\" id=\"backfill-create\">Create runs</button></form>");
        }
        b.append(backfill);
        ctx.status(error == null ? 200 : 400).html(Html.page("Deployment " + d.fullName(), session, b.toString()));
    }

    /** The backfill form's Preview (a dry run) and Create runs, shown under the form on the deployment's page. */
    private void backfill(Context ctx) {
        DeploymentRecord d = Api.deployment(fc(ctx), ctx);
        boolean dryRun = !"create".equals(ctx.formParam("action"));
        StringBuilder b = new StringBuilder("<div id=\"backfill-result\">");
        try {
            var planned = fc(ctx).deployments().backfill(d.fullName(), Api.date(ctx.formParam("from"), "from"),
                    Api.date(ctx.formParam("to"), "to"), dryRun);
            long created = planned.stream().filter(io.flowcore.api.deployment.PlannedRun::created).count();
            b.append("<p id=\"backfill-summary\">").append(planned.size()).append(planned.size() == 1 ? " instant" : " instants")
                    .append(dryRun ? ": a preview, nothing was created" : ": " + created + " runs created, "
                            + (planned.size() - created) + " had a run already").append("</p><table class=\"backfill\"><thead><tr>")
                    .append("<th>Instant</th><th>Parameters</th><th>Run</th></tr></thead><tbody>");
            for (var p : planned.subList(0, Math.min(planned.size(), Views.MAX_PLANNED_LISTED))) {
                b.append("<tr><td>").append(esc(p.instant().atZone(java.time.ZoneId.of(p.schedule().timezone()))
                                .toOffsetDateTime().toString())).append("</td><td><code>").append(esc(p.parametersJson()))
                        .append("</code></td><td>").append(p.created() ? "<a href=\"/runs/" + p.run().id() + "\">"
                                + esc(p.run().name()) + "</a>" : dryRun ? "" : "existed").append("</td></tr>");
            }
            b.append("</tbody></table>");
        } catch (BadRequest | IllegalArgumentException e) {
            b.append("<div class=\"error\" id=\"backfill-error\">").append(esc(e.getMessage())).append("</div>");
        }
        deployment(ctx, Map.of(), null, b.append("</div>").toString());
    }

    private static String describe(JsonNode schema) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("minimum", "maximum", "pattern", "minLength", "maxLength", "minItems", "maxItems")) {
            if (schema.has(k)) b.append(", ").append(k).append(" ").append(schema.get(k).asText());
        }
        return b.toString();
    }

    private void runDeployment(Context ctx) {
        DeploymentRecord d = Api.deployment(fc(ctx), ctx);
        JsonNode schema = Views.tree(d.parameterSchema()) instanceof JsonNode n ? n : Views.MAPPER.createObjectNode();
        Map<String, String> entered = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        ctx.formParamMap().forEach((key, list) -> {
            if (!key.startsWith("p.") || list.isEmpty()) return;
            String name = key.substring(2);
            String text = list.getFirst();
            entered.put(name, text);
            if (text.isEmpty()) return; // the deployment's default
            values.put(name, value(schema.path("properties").path(name).path("type").asText(""), text));
        });
        try {
            FlowRunRecord run = fc(ctx).deployments().run(d.fullName(), values);
            ctx.redirect("/runs/" + run.id());
        } catch (InvalidParametersException e) {
            deployment(ctx, entered, e, "");
        }
    }

    /** A form field as the parameter's JSON type: text for strings, else JSON when it parses, else the text. */
    private static Object value(String type, String text) {
        if (type.equals("string")) return text;
        try {
            return Views.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return text; // the validation names the parameter and says what it must be
        }
    }

    private void workQueues(Context ctx) {
        StringBuilder b = new StringBuilder("<table class=\"queues\"><tr><th>Queue</th><th>Priority</th><th>Concurrency limit</th>")
                .append("<th>Paused</th><th>Description</th><th></th></tr>");
        for (var q : fc(ctx).workQueues().list()) {
            b.append("<tr id=\"queue-").append(esc(q.name())).append("\"><td>").append(esc(q.name())).append("</td><td>")
                    .append(q.priority()).append("</td><td>")
                    .append(q.concurrencyLimit() == null ? "none" : q.concurrencyLimit()).append("</td><td>")
                    .append(q.paused() ? "yes" : "").append("</td><td>").append(esc(q.description())).append("</td><td>")
                    .append("<form class=\"inline\" method=\"post\" action=\"/work-queues/").append(esc(Html.url(q.name())))
                    .append(q.paused() ? "/resume" : "/pause").append("\">").append(Html.csrf(session(ctx))).append("<button>")
                    .append(q.paused() ? "Resume" : "Pause").append("</button></form></td></tr>");
        }
        ctx.html(Html.page("Work queues", session(ctx), b.append("</table>").toString()));
    }

    private void blocks(Context ctx) {
        StringBuilder b = new StringBuilder("<p>Secret fields are masked; no page or API returns them. ")
                .append("<a href=\"/blocks/new\" id=\"new-block\">New block</a></p>");
        fc(ctx).blocks().list().forEach((name, type) -> {
            String fields;
            try {
                fields = Api.maskedBlock(fc(ctx), name);
            } catch (IllegalStateException e) {
                fields = e.getMessage();
            }
            b.append("<section class=\"block\" id=\"").append(esc(name)).append("\"><h2>").append(esc(name))
                    .append(" <small>").append(esc(type)).append("</small> <a class=\"edit\" href=\"/blocks/")
                    .append(esc(Html.url(name))).append("/edit\">Edit</a></h2><pre>").append(esc(fields)).append("</pre></section>");
        });
        ctx.html(Html.page("Blocks", session(ctx), b.toString()));
    }
}
