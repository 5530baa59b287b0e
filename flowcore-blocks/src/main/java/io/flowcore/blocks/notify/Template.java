package io.flowcore.blocks.notify;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Notification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/*
 * The one template renderer of the notifier blocks: "{{ name }}" placeholders, nothing else (no
 * loops, no expressions), so a template can be checked completely when its block is built. Every
 * "{{…}}" must name a known field; an unknown one is an error naming the block field and the
 * placeholder. Values are passed through an escaper chosen by the caller (JSON for webhook bodies).
 */
final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

    /** The placeholders, and how each is read from a notification. */
    static final Map<String, Function<Notification, String>> FIELDS = fields();

    private final String text;
    private final List<Object> parts; // String literals and Function<Notification, String> values, in order

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = parts;
    }

    /**
     * Parses {@code text}.
     *
     * @param what names the template in messages, e.g. {@code "webhook: 'bodyTemplate'"}
     * @throws BlockException naming {@code what} and the placeholder when one is unknown or unclosed
     */
    static Template parse(String text, String what) {
        if (text == null) throw new BlockException(what + " is missing");
        List<Object> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            String name = m.group(1).strip();
            Function<Notification, String> field = FIELDS.get(name);
            if (field == null) {
                throw new BlockException(what + ": unknown placeholder '" + m.group() + "'; known placeholders: "
                        + FIELDS.keySet().stream().map(k -> "{{ " + k + " }}").collect(Collectors.joining(", ")));
            }
            parts.add(text.substring(at, m.start()));
            parts.add(field);
            at = m.end();
        }
        String rest = text.substring(at);
        if (rest.contains("{{")) {
            throw new BlockException(what + ": a placeholder opened with '{{' is not closed with '}}' (near '"
                    + abbreviate(rest.substring(rest.indexOf("{{")), 30) + "')");
        }
        parts.add(rest);
        return new Template(text, List.copyOf(parts));
    }

    /** The template filled in from {@code n}, each value passed through {@code escape}. */
    @SuppressWarnings("unchecked")
    String render(Notification n, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (Object p : parts) {
            if (p instanceof String s) out.append(s);
            else out.append(escape.apply(((Function<Notification, String>) p).apply(n)));
        }
        return out.toString();
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static Map<String, Function<Notification, String>> fields() {
        Map<String, Function<Notification, String>> f = new LinkedHashMap<>();
        f.put("eventId", n -> n.eventId().toString());
        f.put("title", Notification::title);
        f.put("body", Notification::body);
        f.put("flow", Notification::flowName);
        f.put("run", Notification::runName);
        f.put("runId", n -> n.runId().toString());
        f.put("deployment", n -> n.deployment() == null ? "" : n.deployment());
        f.put("state", Notification::stateName);
        f.put("stateType", n -> n.stateType().name());
        f.put("message", Notification::message);
        f.put("occurredAt", n -> n.occurredAt().toString());
        f.put("startedAt", n -> n.startedAt() == null ? "" : n.startedAt().toString());
        f.put("parameters", n -> n.parameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")));
        f.put("link", n -> n.link() == null ? "" : n.link());
        return java.util.Collections.unmodifiableMap(f);
    }
}
