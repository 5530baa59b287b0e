package io.flowcore.server;

import static io.flowcore.server.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcore.api.block.NotifierBlock;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.engine.Flowcore;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/*
 * Creating and editing notification rules from the dashboard and the API (admin role), as 'flowcore notification
 * create' does: the notifier must be a saved notifier block. On an existing rule, what a request leaves out keeps
 * its value; creating one needs its notifier and states. Deleting stays with the CLI ('notification rm').
 */
final class RuleForms {
    private static final List<String> LISTS = List.of("states", "flows", "deployments", "tags");

    private final Api api;

    RuleForms(Api api) {
        this.api = api;
    }

    void register(Router r) {
        r.get("/notifications", this::list, Role.READ);
        r.get("/notifications/new", ctx -> ctx.html(form(ctx, null, Map.of(), null)), Role.ADMIN);
        r.get("/notifications/{name}/edit", ctx -> ctx.html(form(ctx, existing(api.fc(ctx), ctx.pathParam("name")),
                Map.of(), null)), Role.ADMIN);
        r.post("/notifications", ctx -> saveForm(ctx, null), Role.ADMIN);
        r.post("/notifications/{name}", ctx -> saveForm(ctx, existing(api.fc(ctx), ctx.pathParam("name"))), Role.ADMIN);
        r.post("/api/notification-rules/{name}", this::saveApi, Role.ADMIN);
    }

    /** The rules, each linking to its form. */
    private void list(Context ctx) {
        StringBuilder b = new StringBuilder("<p><a href=\"/notifications/new\" id=\"new-rule\">New rule</a></p>")
                .append("<table class=\"rules\"><tr><th>Rule</th><th>States</th><th>Flows</th><th>Deployments</th>")
                .append("<th>Tags</th><th>Notifier</th><th>Paused</th></tr>");
        for (var r : Api.rules(api.fc(ctx))) {
            b.append("<tr id=\"rule-").append(esc(r.name())).append("\"><td><a href=\"/notifications/").append(esc(Html.url(r.name())))
                    .append("/edit\">").append(esc(r.name())).append("</a></td><td>").append(esc(String.join(", ", r.states())))
                    .append("</td><td>").append(esc(String.join(", ", r.flows()))).append("</td><td>")
                    .append(esc(String.join(", ", r.deployments()))).append("</td><td>").append(esc(String.join(", ", r.tags())))
                    .append("</td><td>").append(esc(r.notifier())).append("</td><td>").append(r.paused() ? "yes" : "")
                    .append("</td></tr>");
        }
        ctx.html(Html.page("Notification rules", ctx.attribute("session"), b.append("</table>").toString()));
    }

    private static NotificationRule existing(Flowcore fc, String name) {
        return Api.rules(fc).stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new Api.NotFound("no notification rule '" + name + "'"));
    }

    private String form(Context ctx, NotificationRule rule, Map<String, String> entered, String error) {
        ctx.status(error == null ? 200 : 400);
        Function<String, String> value = k -> entered.containsKey(k) ? entered.get(k) : rule == null ? ""
                : switch (k) {
                    case "notifier" -> rule.notifier();
                    case "paused" -> rule.paused() ? "yes" : "no";
                    default -> String.join(", ", new TreeSet<>(list(rule, k)));
                };
        StringBuilder b = new StringBuilder();
        if (error != null) b.append("<div class=\"error\" id=\"rule-error\">").append(esc(error)).append("</div>");
        b.append("<form class=\"rule-form\" method=\"post\" action=\"/notifications")
                .append(rule == null ? "" : "/" + esc(Html.url(rule.name()))).append("\">")
                .append(Html.csrf(ctx.attribute("session")));
        if (rule == null) {
            b.append("<label>Name <input name=\"name\" id=\"rule-name\" required value=\"").append(esc(value.apply("name")))
                    .append("\"></label>");
        }
        b.append("<label>Notifier <select name=\"notifier\" id=\"rule-notifier\">");
        for (String n : notifiers(api.fc(ctx))) {
            b.append("<option").append(n.equals(value.apply("notifier")) ? " selected" : "").append(">").append(esc(n))
                    .append("</option>");
        }
        b.append("</select></label>");
        for (String k : LISTS) {
            b.append("<label>").append(k).append(" <small>comma-separated").append(k.equals("states")
                            ? ": a state's type or name, e.g. Failed, Crashed, Late" : ", empty for any").append("</small> ")
                    .append("<input name=\"").append(k).append("\" id=\"rule-").append(k).append("\" value=\"")
                    .append(esc(value.apply(k))).append("\"></label>");
        }
        b.append("<label>Paused <select name=\"paused\" id=\"rule-paused\">");
        for (String p : List.of("no", "yes")) {
            b.append("<option").append(p.equals(value.apply("paused")) ? " selected" : "").append(">").append(p).append("</option>");
        }
        b.append("</select></label><button id=\"save-rule\">Save</button></form>");
        return Html.page(rule == null ? "New notification rule" : "Notification rule " + rule.name(),
                ctx.attribute("session"), b.toString());
    }

    /** {@code rule} null: a new rule named in the form; else the fields the form has replace the rule's. */
    private void saveForm(Context ctx, NotificationRule rule) {
        Map<String, String> entered = new java.util.LinkedHashMap<>();
        ctx.formParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) entered.put(k, v.getFirst());
        });
        try {
            String name = rule != null ? rule.name() : entered.getOrDefault("name", "").strip();
            if (rule == null && Api.rules(api.fc(ctx)).stream().anyMatch(r -> r.name().equals(name))) {
                throw new IllegalArgumentException("a notification rule named '" + name + "' exists already: edit it instead");
            }
            save(api.fc(ctx), rule, name, k -> !entered.containsKey(k) ? null : k.equals("paused")
                    ? String.valueOf(entered.get(k).equals("yes")) : entered.get(k));
            ctx.redirect("/notifications");
        } catch (IllegalArgumentException e) {
            ctx.html(form(ctx, rule, entered, e.getMessage()));
        }
    }

    /** Body {@code {"notifier": "ops-slack", "states": ["Failed"], "flows": [], "deployments": [], "tags": [], "paused": false}}. */
    private void saveApi(Context ctx) {
        Flowcore fc = api.fc(ctx);
        String name = ctx.pathParam("name");
        NotificationRule rule = Api.rules(fc).stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
        JsonNode body = Views.readBody(ctx.body());
        if (rule == null && !body.hasNonNull("notifier")) {
            throw new Api.NotFound("no notification rule '" + name + "' (give its 'notifier' and 'states' to create it)");
        }
        for (String k : LISTS) {
            if (body.has(k) && !body.get(k).isArray()) throw new BadRequest("'" + k + "' must be a JSON array of texts");
        }
        if (body.has("paused") && !body.get("paused").isBoolean()) throw new BadRequest("'paused' must be true or false");
        NotificationRule saved = save(fc, rule, name, k -> !body.has(k) ? null : body.get(k).isArray()
                ? String.join(",", Views.MAPPER.convertValue(body.get(k), String[].class)) : body.get(k).asText());
        ctx.status(rule == null ? 201 : 200).json(Views.rule(saved));
    }

    /** The rule from what is given (comma-separated lists), the existing rule's values for what is not. */
    private static NotificationRule save(Flowcore fc, NotificationRule rule, String name, Function<String, String> given) {
        String notifier = given.apply("notifier") != null ? given.apply("notifier").strip() : rule == null ? null : rule.notifier();
        if (notifier == null || notifier.isEmpty()) throw new IllegalArgumentException("'notifier': name a notifier block");
        if ((rule == null || !notifier.equals(rule.notifier())) && !notifiers(fc).contains(notifier)) {
            throw new IllegalArgumentException("'notifier': block '" + notifier + "' is not a saved notifier (a Slack or "
                    + "Teams webhook, a webhook or an email notifier)");
        }
        Function<String, Set<String>> list = k -> given.apply(k) == null ? rule == null ? Set.of() : list(rule, k)
                : new LinkedHashSet<>(Arrays.stream(given.apply(k).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
        boolean paused = given.apply("paused") != null ? Boolean.parseBoolean(given.apply("paused")) : rule != null && rule.paused();
        return fc.notifications().save(new NotificationRule(name, list.apply("flows"), list.apply("deployments"),
                list.apply("tags"), list.apply("states"), notifier, paused));
    }

    private static Set<String> list(NotificationRule r, String k) {
        return switch (k) {
            case "states" -> r.states();
            case "flows" -> r.flows();
            case "deployments" -> r.deployments();
            default -> r.tags();
        };
    }

    /** The saved blocks that are notifiers, by name; a block this server cannot read is left out. */
    private static List<String> notifiers(Flowcore fc) {
        return fc.blocks().list().keySet().stream().sorted().filter(n -> {
            try {
                return fc.blocks().load(n) instanceof NotifierBlock;
            } catch (RuntimeException unreadable) {
                return false;
            }
        }).toList();
    }
}
