package io.flowcore.server;

import java.time.Duration;
import java.time.Instant;

/**
 * The dashboard's HTML is built in Java; every value that comes from users (run names, parameters, log
 * lines, block fields, messages) goes through {@link #esc}, which escapes it for element text and for
 * quoted attribute values alike.
 */
final class Html {
    private Html() {
    }

    static String esc(Object value) {
        if (value == null) return "";
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A query-string value. */
    static String url(String value) {
        return java.net.URLEncoder.encode(value == null ? "" : value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A whole page: the navigation, then {@code body} (already escaped HTML). */
    static String page(String title, Auth.Session session, String body) {
        StringBuilder b = new StringBuilder(body.length() + 1024);
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append(" · flowcore</title>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<link rel=\"stylesheet\" href=\"/static/app.css\"><script src=\"/static/app.js\" defer></script>")
                .append("</head><body><nav><strong>flowcore</strong> ");
        if (session != null) {
            b.append("<span class=\"workspace\" id=\"workspace\" title=\"workspace\">")
                    .append(esc(session.caller().workspace())).append("</span> ");
        }
        b.append("<a href=\"/runs\">Flow runs</a> ")
                .append("<a href=\"/deployments\">Deployments</a> <a href=\"/work-queues\">Work queues</a> ")
                .append("<a href=\"/blocks\">Blocks</a> <a href=\"/notifications\">Notifications</a>");
        if (session != null && session.loggedIn()) {
            b.append("<form class=\"logout\" method=\"post\" action=\"/logout\">").append(csrf(session))
                    .append("<span>").append(esc(session.role().label())).append("</span> <button>Log out</button></form>");
        }
        b.append("</nav><main><h1>").append(esc(title)).append("</h1>").append(body).append("</main></body></html>");
        return b.toString();
    }

    static String csrf(Auth.Session session) {
        return session == null ? "" : "<input type=\"hidden\" name=\"" + Auth.CSRF_FIELD + "\" value=\""
                + esc(session.csrf()) + "\">";
    }

    static String state(io.flowcore.api.state.State s) {
        return "<span class=\"state state-" + s.type().name().toLowerCase(java.util.Locale.ROOT) + "\">" + esc(s.name())
                + "</span>";
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        if (ms < 3_600_000) return (ms / 60_000) + " min " + (ms / 1000 % 60) + " s";
        return (ms / 3_600_000) + " h " + (ms / 60_000 % 60) + " min";
    }

    static String time(Instant t) {
        return t == null ? "" : esc(t.toString().replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z"));
    }
}
