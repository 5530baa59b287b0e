package io.flowcore.server;

import static io.flowcore.server.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.engine.Blocks;
import io.javalin.http.Context;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/*
 * Creating and editing blocks from the dashboard and the API (admin role). A type's fields are its record
 * components; a Secret field is write-only: never shown or returned, and left as it is when a form leaves it empty
 * or a request leaves it out. On an existing block, a field a request leaves out keeps its value, so a partial
 * update changes only what it names. A block's type cannot change: delete it first (the CLI's 'block rm').
 */
final class BlockForms {
    private final Api api;

    BlockForms(Api api) {
        this.api = api;
    }

    void register(Router r) {
        r.get("/blocks/new", this::newForm, Role.ADMIN);
        r.get("/blocks/{name}/edit", ctx -> {
            Blocks blocks = api.fc(ctx).blocks();
            String name = ctx.pathParam("name");
            String type = existingType(blocks, name);
            ctx.html(form(ctx, name, type, values(blocks, name), null, 200));
        }, Role.ADMIN);
        r.post("/blocks", ctx -> saveForm(ctx, null), Role.ADMIN);
        r.post("/blocks/{name}", ctx -> saveForm(ctx, ctx.pathParam("name")), Role.ADMIN);
        r.post("/api/blocks/{name}", this::saveApi, Role.ADMIN);
    }

    private void newForm(Context ctx) {
        Blocks blocks = api.fc(ctx).blocks();
        String type = ctx.queryParam("type");
        if (type == null || !blocks.types().containsKey(type)) {
            StringBuilder b = new StringBuilder("<p>Choose the type of the new block:</p><ul class=\"block-types\">");
            blocks.types().keySet().stream().sorted().forEach(t -> b.append("<li><a href=\"/blocks/new?type=")
                    .append(esc(Html.url(t))).append("\">").append(esc(t)).append("</a></li>"));
            ctx.html(Html.page("New block", ctx.attribute("session"), b.append("</ul>").toString()));
            return;
        }
        ctx.html(form(ctx, null, type, Map.of(), null, 200));
    }

    /** The form: a text input per field (JSON for lists, maps and nested records), a password input per secret. */
    private String form(Context ctx, String name, String type, Map<String, String> values, String error, int status) {
        ctx.status(status);
        Class<? extends Block> cls = api.fc(ctx).blocks().types().get(type);
        StringBuilder b = new StringBuilder();
        if (error != null) b.append("<div class=\"error\" id=\"block-error\">").append(esc(error)).append("</div>");
        b.append("<form class=\"block-form\" method=\"post\" action=\"/blocks")
                .append(name == null ? "" : "/" + esc(Html.url(name))).append("\">")
                .append(Html.csrf(ctx.attribute("session"))).append("<input type=\"hidden\" name=\"type\" value=\"")
                .append(esc(type)).append("\">");
        if (name == null) {
            b.append("<label>Name <input name=\"name\" id=\"block-name\" required value=\"")
                    .append(esc(ctx.formParam("name") == null ? "" : ctx.formParam("name"))).append("\"></label>");
        }
        for (RecordComponent c : components(cls)) {
            boolean secret = c.getType() == Secret.class;
            b.append("<label>").append(esc(c.getName())).append(" <small>").append(esc(c.getType().getSimpleName()))
                    .append("</small> <input name=\"f.").append(esc(c.getName())).append("\"");
            if (secret) {
                b.append(" type=\"password\" autocomplete=\"new-password\"").append(name == null ? ""
                        : " placeholder=\"unchanged unless you type a new one\"");
            } else {
                b.append(" value=\"").append(esc(values.getOrDefault(c.getName(), ""))).append("\"");
            }
            b.append("></label>");
        }
        b.append("<button id=\"save-block\">Save</button></form>");
        String title = name == null ? "New " + type + " block" : "Block " + name + " (" + type + ")";
        return Html.page(title, ctx.attribute("session"), b.toString());
    }

    /** {@code existing} null: a new block, its name and type from the form; else an existing block keeps its type. */
    private void saveForm(Context ctx, String existing) {
        Blocks blocks = api.fc(ctx).blocks();
        boolean creating = existing == null;
        String name = creating ? ctx.formParam("name") : existing;
        String type = creating ? ctx.formParam("type") : existingType(blocks, existing);
        if (creating && (type == null || !blocks.types().containsKey(type))) {
            throw new BadRequest("'type': choose one of " + new java.util.TreeSet<>(blocks.types().keySet()));
        }
        Map<String, String> entered = new LinkedHashMap<>();
        ctx.formParamMap().forEach((k, v) -> {
            if (k.startsWith("f.") && !v.isEmpty()) entered.put(k.substring(2), v.getFirst());
        });
        var nodes = Views.MAPPER.getNodeFactory();
        try {
            if (creating && (name == null || name.isBlank())) throw new IllegalArgumentException("'name' is required");
            if (creating && blocks.list().containsKey(name)) {
                throw new IllegalArgumentException("a block named '" + name + "' exists already: edit it instead");
            }
            // a field not in the form keeps its value, an empty one is cleared, an empty secret is kept
            save(blocks, name, type, creating, c -> {
                String text = entered.get(c.getName());
                if (text == null || text.isEmpty() && c.getType() == Secret.class) return null;
                if (text.isEmpty()) return nodes.nullNode();
                return c.getType() == Secret.class || isText(c.getType()) ? nodes.textNode(text) : parseOrText(text);
            });
            ctx.redirect("/blocks#" + Html.url(name));
        } catch (BlockException | IllegalArgumentException e) {
            Map<String, String> shown = new LinkedHashMap<>(entered);
            components(blocks.types().get(type)).stream().filter(c -> c.getType() == Secret.class)
                    .forEach(c -> shown.remove(c.getName())); // a secret is never sent back
            ctx.html(form(ctx, creating ? null : name, type, shown, e.getMessage(), 400));
        }
    }

    /** Body {@code {"type": "sql-connector", "fields": {...}}}; the type only for a new block. */
    private void saveApi(Context ctx) {
        Blocks blocks = api.fc(ctx).blocks();
        String name = ctx.pathParam("name");
        JsonNode body = Views.readBody(ctx.body());
        String type = blocks.list().get(name);
        boolean creating = type == null;
        if (creating) {
            type = body.path("type").asText(null);
            if (type == null) throw new Api.NotFound("no block '" + name + "' (give its 'type' to create it)");
            if (!blocks.types().containsKey(type)) throw new BadRequest("'type': no block type '" + type + "'");
        } else if (body.hasNonNull("type") && !body.get("type").asText().equals(type)) {
            throw new BadRequest("'type': block '" + name + "' is a " + type + "; delete it to save a " + body.get("type").asText());
        }
        JsonNode fields = body.path("fields");
        if (!fields.isMissingNode() && !fields.isObject()) throw new BadRequest("'fields' must be a JSON object");
        save(blocks, name, type, creating, c -> fields.get(c.getName()));
        ctx.status(creating ? 201 : 200).json(Map.of("name", name, "type", type,
                "fields", Views.tree(Api.maskedBlock(api.fc(ctx), name))));
    }

    /** Builds the block from what is given, the existing block's values where nothing is, and saves it. */
    private static void save(Blocks blocks, String name, String type, boolean creating,
                             Function<RecordComponent, JsonNode> given) {
        Class<? extends Block> cls = blocks.types().get(type);
        ObjectNode json = Views.MAPPER.createObjectNode();
        Block old = creating ? null : blocks.load(name, cls);
        for (RecordComponent c : components(cls)) {
            JsonNode v = given.apply(c);
            if (v == null && old != null) v = current(old, c); // left out: keeps its value
            if (v != null && !v.isNull()) json.set(c.getName(), v);
        }
        blocks.save(name, blocks.fromJson(json.toString(), cls), !creating);
    }

    /** A field's present value, a secret's revealed only into the JSON it is saved from again. */
    private static JsonNode current(Block block, RecordComponent c) {
        try {
            Object v = c.getAccessor().invoke(block);
            if (v == null) return null;
            return v instanceof Secret s ? Views.MAPPER.getNodeFactory().textNode(s.reveal()) : Views.MAPPER.valueToTree(v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read field " + c.getName() + " of block type " + block.getClass(), e);
        }
    }

    /** The non-secret fields of a saved block as form text: JSON for anything but text, secrets left out. */
    private static Map<String, String> values(Blocks blocks, String name) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode masked = Views.tree(blocks.toMaskedJson(blocks.load(name))) instanceof JsonNode n ? n : null;
        if (masked == null) return out;
        for (var it = masked.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNull()) out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        return out;
    }

    private static String existingType(Blocks blocks, String name) {
        String type = blocks.list().get(name);
        if (type == null) throw new Api.NotFound("no block '" + name + "'");
        return type;
    }

    private static java.util.List<RecordComponent> components(Class<? extends Block> cls) {
        return cls != null && cls.isRecord() ? java.util.List.of(cls.getRecordComponents()) : java.util.List.of();
    }

    private static boolean isText(Class<?> t) {
        return t == String.class || t == java.nio.file.Path.class || t == java.net.URI.class || t.isEnum();
    }

    private static JsonNode parseOrText(String text) {
        try {
            return Views.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Views.MAPPER.getNodeFactory().textNode(text); // the type's own check names the field
        }
    }
}
