package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.TaskGraph;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The run page's task graph: drawn in layers from the recorded edges, summarised when too big to draw. */
@DisplayName("task graph view")
class GraphViewTests {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static TaskRunRecord task(String name, List<UUID> upstream) {
        return new TaskRunRecord(UUID.randomUUID(), UUID.randomUUID(), "etl#" + name.replaceAll("-\\d+$", ""), name, 0,
                null, upstream, State.of(StateType.COMPLETED, T0), null, T0);
    }

    private static TaskGraph graph(List<TaskRunRecord> tasks) {
        List<TaskGraph.Edge> edges = new ArrayList<>();
        for (TaskRunRecord t : tasks) for (UUID up : t.upstream()) edges.add(new TaskGraph.Edge(up, t.id()));
        return new TaskGraph(tasks, edges);
    }

    @Test
    void drawsEachTaskInTheColumnAfterItsLongestUpstreamPath() {
        TaskRunRecord a = task("fetch-0", List.of());
        TaskRunRecord b = task("fetch-1", List.of());
        TaskRunRecord c = task("clean-0", List.of(a.id()));
        TaskRunRecord d = task("<b>join</b>", List.of(c.id(), b.id()));
        String svg = GraphView.html(graph(List.of(a, b, c, d)));
        assertEquals(4, count(svg, "<g class=\"node"));
        assertEquals(3, count(svg, "<line class=\"edge\""));
        assertTrue(svg.contains("<rect x=\"10\" y=\"10\""), svg);   // fetch-0: column 0, row 0
        assertTrue(svg.contains("<rect x=\"10\" y=\"54\""), svg);   // fetch-1: column 0, row 1
        assertTrue(svg.contains("<rect x=\"200\" y=\"10\""), svg);  // clean-0: column 1
        assertTrue(svg.contains("<rect x=\"390\" y=\"10\""), svg);  // join: column 2, after clean
        assertTrue(svg.contains("&lt;b&gt;join&lt;/b&gt;"), svg);
        assertFalse(svg.contains("<b>"));
    }

    @Test
    void summarisesAGraphAboveFiveHundredTasksByTaskAndState() {
        List<TaskRunRecord> tasks = new ArrayList<>();
        for (int i = 0; i <= GraphView.MAX_NODES; i++) tasks.add(task("fetch-" + i, List.of()));
        String html = GraphView.html(graph(tasks));
        assertFalse(html.contains("<svg"));
        assertTrue(html.contains("501 task runs"), html);
        assertTrue(html.contains("<td>etl#fetch</td><td>Completed 501</td>"), html);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
