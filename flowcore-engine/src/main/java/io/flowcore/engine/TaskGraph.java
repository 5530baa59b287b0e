package io.flowcore.engine;

import io.flowcore.api.run.TaskRunRecord;
import java.util.List;
import java.util.UUID;

/**
 * The task runs of a flow run and the data dependencies between them: an edge {@code a → b} means a
 * result of {@code a} was passed to {@code b}.
 *
 * @param nodes the task runs, in creation order
 * @param edges the dependencies
 */
public record TaskGraph(List<TaskRunRecord> nodes, List<Edge> edges) {

    /** {@code from}'s result was an input of {@code to}. */
    public record Edge(UUID from, UUID to) {
    }

    static TaskGraph of(List<TaskRunRecord> runs) {
        List<Edge> edges = runs.stream()
                .flatMap(r -> r.upstream().stream().map(u -> new Edge(u, r.id())))
                .toList();
        return new TaskGraph(List.copyOf(runs), edges);
    }

    /** The graph as a Mermaid flowchart, for docs and dashboards. */
    public String toMermaid() {
        StringBuilder sb = new StringBuilder("flowchart LR\n");
        for (TaskRunRecord n : nodes) {
            sb.append("  ").append(node(n.id())).append("[\"").append(n.name()).append(" (")
                    .append(n.state().name()).append(")\"]\n");
        }
        for (Edge e : edges) sb.append("  ").append(node(e.from())).append(" --> ").append(node(e.to())).append('\n');
        return sb.toString();
    }

    private static String node(UUID id) {
        return "t" + id.toString().replace("-", "");
    }
}
