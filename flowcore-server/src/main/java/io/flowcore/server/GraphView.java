package io.flowcore.server;

import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.engine.TaskGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/*
 * A run's task graph as SVG, from the recorded edges: a layered layout where a task's column is the length
 * of the longest path of edges leading to it (task runs are stored in creation order, and a task's upstream
 * runs were created before it, so one pass in that order computes it). Above MAX_NODES a drawing is no
 * longer readable and would slow the browser, so the page shows counts by task and state instead.
 */
final class GraphView {
    static final int MAX_NODES = 500;
    private static final int COL = 190;
    private static final int ROW = 44;
    private static final int W = 160;
    private static final int H = 28;

    private GraphView() {
    }

    static String html(TaskGraph g) {
        if (g.nodes().isEmpty()) return "<p class=\"empty\">No task runs.</p>";
        if (g.nodes().size() > MAX_NODES) return summary(g);
        Map<UUID, Integer> column = new HashMap<>();
        for (TaskRunRecord t : g.nodes()) {
            int c = 0;
            for (UUID up : t.upstream()) c = Math.max(c, column.getOrDefault(up, -1) + 1);
            column.put(t.id(), c);
        }
        Map<UUID, int[]> at = new HashMap<>();
        Map<Integer, Integer> rows = new HashMap<>();
        int width = 0;
        int height = 0;
        for (TaskRunRecord t : g.nodes()) {
            int c = column.get(t.id());
            int r = rows.merge(c, 1, Integer::sum) - 1;
            at.put(t.id(), new int[] {10 + c * COL, 10 + r * ROW});
            width = Math.max(width, 10 + c * COL + W + 10);
            height = Math.max(height, 10 + r * ROW + H + 10);
        }
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"task graph\">");
        for (TaskGraph.Edge e : g.edges()) {
            int[] from = at.get(e.from());
            int[] to = at.get(e.to());
            if (from == null || to == null) continue;
            b.append("<line class=\"edge\" x1=\"").append(from[0] + W).append("\" y1=\"").append(from[1] + H / 2)
                    .append("\" x2=\"").append(to[0]).append("\" y2=\"").append(to[1] + H / 2).append("\"/>");
        }
        for (TaskRunRecord t : g.nodes()) {
            int[] p = at.get(t.id());
            String cls = "node state-" + t.state().type().name().toLowerCase(java.util.Locale.ROOT);
            b.append("<g class=\"").append(cls).append("\" data-task=\"").append(Html.esc(t.name())).append("\"><rect x=\"")
                    .append(p[0]).append("\" y=\"").append(p[1]).append("\" width=\"").append(W).append("\" height=\"")
                    .append(H).append("\" rx=\"6\"/><text x=\"").append(p[0] + 8).append("\" y=\"").append(p[1] + 18)
                    .append("\">").append(Html.esc(shorten(t.name()))).append("</text><title>")
                    .append(Html.esc(t.name() + ": " + t.state().name())).append("</title></g>");
        }
        return b.append("</svg>").toString();
    }

    private static String summary(TaskGraph g) {
        Map<String, Map<String, Integer>> byTask = new TreeMap<>();
        for (TaskRunRecord t : g.nodes()) {
            byTask.computeIfAbsent(t.taskKey(), k -> new TreeMap<>()).merge(t.state().name(), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder("<p class=\"graph-summary\">").append(g.nodes().size())
                .append(" task runs and ").append(g.edges().size()).append(" edges: too many to draw, summarised by task.</p>")
                .append("<table><tr><th>Task</th><th>Runs by state</th></tr>");
        for (var e : byTask.entrySet()) {
            List<String> parts = new ArrayList<>();
            e.getValue().forEach((state, n) -> parts.add(Html.esc(state) + " " + n));
            b.append("<tr><td>").append(Html.esc(e.getKey())).append("</td><td>").append(String.join(", ", parts))
                    .append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    private static String shorten(String s) {
        return s.length() <= 22 ? s : s.substring(0, 21) + "…";
    }
}
