package io.flowcore.server;

import static io.flowcore.server.Html.esc;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.engine.DeploymentFiles;
import io.flowcore.engine.FlowCodeUpload;
import io.flowcore.engine.Flowcore;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/*
 * Creating and editing deployments from the dashboard and the API (admin role), as 'flowcore deployment apply'
 * does for one entry of a deployments file: the engine's DeploymentFiles reads it, so the fields, the defaults and
 * the error messages are the CLI's. The form is one textarea with the entry as YAML or JSON; editing prefills it
 * with the current version. The flow class comes from the server's classpath or, for a 'code:' with a sha256, from
 * object storage (fetched and checked as the CLI does); uploading a jar stays with the CLI ('apply --upload').
 */
final class DeploymentForms {
    /** Names the request body or form in the reader's errors: "deployment: missing 'name'". */
    private static final String SOURCE = "deployment";
    private static final String EXAMPLE = """
            name: nightly
            flowClass: com.example.Reports
            flowMethod: monthly
            parameters: {month: 1}
            workQueue: default
            schedules:
              - cron: "0 5 1 * *"
                timezone: UTC""";

    private final Api api;

    DeploymentForms(Api api) {
        this.api = api;
    }

    void register(Router r) {
        r.get("/deployments/new", ctx -> ctx.html(form(ctx, null, "", null)), Role.ADMIN);
        r.get("/deployments/{flow}/{name}/edit", ctx -> {
            DeploymentRecord d = Api.deployment(api.fc(ctx), ctx);
            ctx.html(form(ctx, d, pretty(DeploymentFiles.toJson(d)), null));
        }, Role.ADMIN);
        r.post("/deployments", ctx -> saveForm(ctx, null), Role.ADMIN);
        r.post("/deployments/{flow}/{name}", ctx -> saveForm(ctx, Api.deployment(api.fc(ctx), ctx)), Role.ADMIN);
        r.post("/api/deployments", this::saveApi, Role.ADMIN);
    }

    /** What an apply did: the version current afterwards, and whether it was there before (same content). */
    record Applied(DeploymentRecord deployment, boolean unchanged) {
    }

    /**
     * Applies {@code d} in {@code fc}'s workspace, with its code from storage when it names some.
     *
     * @throws IllegalArgumentException (a 400) naming the field, or the flow class when the server cannot load it
     */
    static Applied apply(Flowcore fc, Deployment d) {
        if (d.code() == null) requireFlowClass(d);
        Map<String, Integer> before = new HashMap<>();
        fc.deployments().list().forEach(r -> before.put(r.fullName(), r.version()));
        DeploymentRecord r;
        try {
            r = d.code() != null ? FlowCodeUpload.applyStored(fc, d) : fc.deployments().apply(d);
        } catch (BlockException e) {
            throw new BadRequest("deployment '" + d.name() + "': code: " + e.getMessage());
        }
        return new Applied(r, Integer.valueOf(r.version()).equals(before.get(r.fullName())));
    }

    /** The engine needs the flow class to name the flow and record its parameters; say how the server gets it. */
    private static void requireFlowClass(Deployment d) {
        try {
            Class.forName(d.flowClass(), false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new BadRequest("deployment '" + d.name() + "': flowClass " + d.flowClass() + " is not on this server's "
                    + "classpath: check its name, or start the server with the flows' jar on its classpath ('flowcore "
                    + "--classpath JARS server start' or $FLOWCORE_CLASSPATH), or give the deployment 'code: {block, path, "
                    + "sha256}' naming the jar in object storage ('flowcore deployment apply FILE --upload JAR' puts it there)");
        }
    }

    /** Body: one deployment, as one entry of a deployments file's list (JSON). */
    private void saveApi(Context ctx) {
        Flowcore fc = api.fc(ctx);
        Applied a = apply(fc, DeploymentFiles.readOne(ctx.body(), SOURCE));
        Map<String, Object> view = Views.deployment(a.deployment(), fc.deployments().isPaused(a.deployment().fullName()));
        view.put("unchanged", a.unchanged());
        ctx.status(a.unchanged() ? 200 : 201).json(view);
    }

    /** {@code existing} null: a new deployment (or a new version of the one the text names); else that one's next version. */
    private void saveForm(Context ctx, DeploymentRecord existing) {
        String text = ctx.formParam("definition") == null ? "" : ctx.formParam("definition");
        try {
            Deployment d = DeploymentFiles.readOne(text, SOURCE);
            if (existing != null) sameDeployment(existing, d);
            DeploymentRecord r = apply(api.fc(ctx), d).deployment();
            ctx.redirect("/deployments/" + Html.url(r.flowName()) + "/" + Html.url(r.name()));
        } catch (BadRequest | IllegalArgumentException e) {
            ctx.html(form(ctx, existing, text, e.getMessage()));
        }
    }

    /** An edit keeps the deployment it edits: the name and the flow decide which deployment the text applies to. */
    private static void sameDeployment(DeploymentRecord existing, Deployment d) {
        if (!d.name().equals(existing.name())) {
            throw new IllegalArgumentException(SOURCE + ": 'name' is '" + d.name() + "' but this form edits '"
                    + existing.name() + "': create another deployment with New deployment instead");
        }
        for (String[] f : new String[][] {{"flowClass", existing.flowClass(), d.flowClass()},
                {"flowMethod", existing.flowMethod(), d.flowMethod()}}) {
            if (!f[1].equals(f[2])) {
                throw new IllegalArgumentException(SOURCE + ": '" + f[0] + "' is '" + f[2] + "' but " + existing.fullName()
                        + " runs '" + f[1] + "': another flow is another deployment, create it with New deployment");
            }
        }
    }

    /** The form: the deployment as text; {@code existing} null for a new one. A 400 when {@code error} is given. */
    private static String form(Context ctx, DeploymentRecord existing, String text, String error) {
        ctx.status(error == null ? 200 : 400);
        StringBuilder b = new StringBuilder();
        if (error != null) b.append("<div class=\"error\" id=\"deployment-error\">").append(esc(error)).append("</div>");
        b.append("<p class=\"hint\">One deployment, in YAML or JSON, as one entry of the <code>deployments:</code> list ")
                .append("of a file for <code>flowcore deployment apply</code> (docs/deployments.md lists its fields). ")
                .append("Saving the same content again creates no new version.</p>")
                .append("<form class=\"deployment-form\" method=\"post\" action=\"/deployments");
        if (existing != null) {
            b.append("/").append(esc(Html.url(existing.flowName()))).append("/").append(esc(Html.url(existing.name())));
        }
        b.append("\">").append(Html.csrf(ctx.attribute("session")))
                .append("<label>Deployment <textarea name=\"definition\" id=\"deployment-definition\" rows=\"24\" ")
                .append("cols=\"90\" spellcheck=\"false\" required placeholder=\"").append(esc(EXAMPLE)).append("\">")
                .append(esc(text)).append("</textarea></label><button id=\"save-deployment\">Save</button></form>");
        String title = existing == null ? "New deployment" : "Edit deployment " + existing.fullName();
        return Html.page(title, ctx.attribute("session"), b.toString());
    }

    private static String pretty(String json) {
        try {
            return Views.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Views.MAPPER.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return json;
        }
    }
}
