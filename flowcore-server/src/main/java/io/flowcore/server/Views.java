package io.flowcore.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.engine.TaskGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API: records of the store as maps, so the wire format is written down here only. */
final class Views {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Views() {
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stored JSON text as a tree (so it is embedded, not quoted); unreadable text stays a string. */
    static Object tree(String json) {
        if (json == null) return null;
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    static Map<String, Object> state(State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", s.type().name());
        m.put("name", s.name());
        m.put("timestamp", s.timestamp().toString());
        m.put("message", s.message());
        m.put("scheduledTime", s.scheduledTime() == null ? null : s.scheduledTime().toString());
        return m;
    }

    static Map<String, Object> flowRun(FlowRunRecord r, String deployment) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id().toString());
        m.put("name", r.name());
        m.put("flow", r.flowName());
        m.put("deployment", deployment);
        m.put("state", state(r.state()));
        m.put("createdAt", r.createdAt().toString());
        m.put("parameters", tree(r.parametersJson()));
        m.put("parentFlowRunId", r.parentFlowRunId() == null ? null : r.parentFlowRunId().toString());
        m.put("resumeOf", r.resumeOf() == null ? null : r.resumeOf().toString());
        return m;
    }

    /** At most this many planned runs are listed; the counts cover them all. */
    static final int MAX_PLANNED_LISTED = 1000;

    static Map<String, Object> backfill(List<io.flowcore.api.deployment.PlannedRun> planned, boolean dryRun) {
        List<Map<String, Object>> runs = new java.util.ArrayList<>();
        long created = 0;
        for (var p : planned) {
            if (p.created()) created++;
            if (runs.size() == MAX_PLANNED_LISTED) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instant", p.instant().toString());
            m.put("local", p.instant().atZone(java.time.ZoneId.of(p.schedule().timezone())).toOffsetDateTime().toString());
            m.put("parameters", tree(p.parametersJson()));
            m.put("created", p.created());
            m.put("flowRunId", p.created() ? p.run().id().toString() : null);
            runs.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dryRun", dryRun);
        m.put("instants", planned.size());
        m.put("created", created);
        m.put("runs", runs);
        return m;
    }

    static Map<String, Object> taskRun(TaskRunRecord t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id().toString());
        m.put("name", t.name());
        m.put("task", t.taskKey());
        m.put("state", state(t.state()));
        m.put("createdAt", t.createdAt().toString());
        m.put("upstream", t.upstream().stream().map(Object::toString).toList());
        return m;
    }

    static List<Map<String, Object>> history(List<StateChange> changes) {
        return changes.stream().map(c -> state(c.state())).toList();
    }

    static Map<String, Object> graph(TaskGraph g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", g.nodes().stream().map(t -> Map.of("id", t.id().toString(), "name", t.name(),
                "state", t.state().type().name())).toList());
        m.put("edges", g.edges().stream().map(e -> Map.of("from", e.from().toString(), "to", e.to().toString())).toList());
        return m;
    }

    static Map<String, Object> log(RunLog l, int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("timestamp", l.timestamp().toString());
        m.put("level", l.level());
        m.put("taskRunId", l.taskRunId() == null ? null : l.taskRunId().toString());
        m.put("logger", l.logger());
        m.put("message", l.message());
        return m;
    }

    static Map<String, Object> deployment(DeploymentRecord d, boolean paused) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.fullName());
        m.put("flow", d.flowName());
        m.put("version", d.version());
        m.put("workQueue", d.workQueue());
        m.put("tags", d.tags());
        m.put("description", d.description());
        m.put("paused", paused);
        m.put("parameters", tree(d.parametersJson()));
        m.put("parameterSchema", tree(d.parameterSchema()));
        m.put("schedules", d.schedules().stream().map(Views::schedule).toList());
        return m;
    }

    static String schedule(io.flowcore.api.deployment.Schedule s) {
        String what = switch (s) {
            case io.flowcore.api.deployment.Schedule.Cron c -> "cron " + c.expression() + " (" + c.timezone() + ")";
            case io.flowcore.api.deployment.Schedule.Interval i -> "every " + i.every() + " (" + i.timezone() + ")";
            case io.flowcore.api.deployment.Schedule.RRule r -> "rrule " + r.rule() + " (" + r.timezone() + ")";
        };
        return s.active() ? what : what + ", inactive";
    }

    static Map<String, Object> workQueue(WorkQueue q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("paused", q.paused());
        m.put("concurrencyLimit", q.concurrencyLimit());
        m.put("priority", q.priority());
        m.put("description", q.description());
        return m;
    }

    static Map<String, Object> rule(NotificationRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("flows", r.flows());
        m.put("deployments", r.deployments());
        m.put("tags", r.tags());
        m.put("states", r.states());
        m.put("notifier", r.notifier());
        m.put("paused", r.paused());
        return m;
    }

    static JsonNode readBody(String body) {
        try {
            return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }
}
