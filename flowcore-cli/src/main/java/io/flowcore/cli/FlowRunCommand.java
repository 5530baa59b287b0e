package io.flowcore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowcore flow-run ls|inspect|logs|cancel|retry}. */
@Command(name = "flow-run", mixinStandardHelpOptions = true,
        description = "List, inspect, follow, cancel and retry flow runs.")
final class FlowRunCommand extends Subcommand {

    @Command(name = "ls", description = "List flow runs, newest first.")
    int ls(@Option(names = "--state", paramLabel = "S", description = "A state type or name, any case (repeatable).")
           List<String> states,
           @Option(names = "--flow", paramLabel = "F") String flow,
           @Option(names = "--deployment", paramLabel = "FLOW/DEPLOYMENT", description = "Only runs of this "
                   + "deployment.") String deployment,
           @Option(names = "--limit", defaultValue = "50") int limit,
           @Option(names = "--json", description = "Print JSON.") boolean json) throws IOException {
        try (Flowcore fc = cli.engine()) {
            List<FlowRunRecord> runs = fc.history().flowRuns(FlowRunQuery.all().flow(flow).limit(10_000)).stream()
                    .filter(r -> states == null || states.stream().anyMatch(s -> matches(r.state(), s)))
                    .toList();
            Map<UUID, String> deployments;
            if (deployment != null) {
                deployments = fc.deployments().ofRuns(runs.stream().map(FlowRunRecord::id).toList());
                runs = runs.stream().filter(r -> deployment.equals(deployments.get(r.id()))).limit(limit).toList();
                if (runs.isEmpty() && fc.deployments().get(deployment).isEmpty()) {
                    throw new IllegalArgumentException("no deployment '" + deployment + "' and no runs of one; there are "
                            + fc.deployments().list().stream().map(d -> d.fullName()).toList());
                }
            } else {
                runs = runs.stream().limit(limit).toList();
                deployments = fc.deployments().ofRuns(runs.stream().map(FlowRunRecord::id).toList());
            }
            if (json) {
                ArrayNode a = DeploymentCommand.JSON.createArrayNode();
                for (FlowRunRecord r : runs) a.add(toJson(fc, r, deployments.get(r.id())));
                out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
            } else {
                out().printf("%-36s %-24s %-24s %-32s %-20s %-9s %s%n", "ID", "NAME", "FLOW", "DEPLOYMENT", "SCHEDULED",
                        "LATE", "STATE");
                java.time.Instant now = java.time.Instant.now();
                for (FlowRunRecord r : runs) {
                    ObjectNode j = toJson(fc, r, null);
                    String scheduled = j.get("scheduledTime").isNull() ? null : j.get("scheduledTime").asText();
                    String started = j.get("startTime").isNull() ? null : j.get("startTime").asText();
                    out().printf("%-36s %-24s %-24s %-32s %-20s %-9s %s%n", r.id(), r.name(), r.flowName(),
                            deployments.getOrDefault(r.id(), "-"), scheduled == null ? "-" : scheduled.substring(0,
                                    Math.min(19, scheduled.length())), lateness(scheduled, started, r, now), r.state());
                }
            }
        }
        return 0;
    }

    /** How late the run started (or, waiting, is now) after its scheduled time; "-" when on time or not scheduled. */
    static String lateness(String scheduled, String started, FlowRunRecord r, java.time.Instant now) {
        if (scheduled == null) return "-";
        java.time.Instant due = java.time.Instant.parse(scheduled);
        java.time.Instant at = started != null ? java.time.Instant.parse(started)
                : r.state().type() == StateType.SCHEDULED ? now : null;
        if (at == null || !at.isAfter(due.plusSeconds(1))) return "-";
        java.time.Duration d = java.time.Duration.between(due, at);
        return d.toDays() > 0 ? d.toDays() + "d" + d.toHoursPart() + "h"
                : d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
                : d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    /** A state matches its type (COMPLETED) or its name (Late, Cached), case-insensitively. */
    static boolean matches(State s, String wanted) {
        return s.type().name().equalsIgnoreCase(wanted) || s.name().equalsIgnoreCase(wanted);
    }

    /** The fields scripts rely on: id, name, flow, deployment (full name or null), state, the times. */
    static ObjectNode toJson(Flowcore fc, FlowRunRecord r, String deployment) {
        List<StateChange> history = fc.history().stateHistory(r.id());
        ObjectNode o = DeploymentCommand.JSON.createObjectNode();
        o.put("id", r.id().toString());
        o.put("name", r.name());
        o.put("flow", r.flowName());
        o.put("deployment", deployment);
        ObjectNode st = o.putObject("state");
        st.put("type", r.state().type().name());
        st.put("name", r.state().name());
        st.put("message", r.state().message());
        o.put("scheduledTime", history.stream().filter(c -> c.state().scheduledTime() != null).findFirst()
                .map(c -> c.state().scheduledTime().toString()).orElse(null));
        o.put("startTime", history.stream().filter(c -> c.state().type() == StateType.RUNNING).findFirst()
                .map(c -> c.state().timestamp().toString()).orElse(null));
        o.put("endTime", r.state().isFinal() ? r.state().timestamp().toString() : null);
        return o;
    }

    @Command(name = "inspect", description = "Show a flow run, its state history and task runs.")
    int inspect(@Parameters(paramLabel = "ID") UUID id) throws IOException {
        try (Flowcore fc = cli.engine()) {
            FlowRunRecord r = fc.history().flowRun(id).orElseThrow(() -> new IllegalArgumentException("no flow run " + id));
            ObjectNode o = toJson(fc, r, fc.deployments().ofRuns(List.of(id)).get(id));
            if (r.resumeOf() != null) o.put("resumeOf", r.resumeOf().toString());
            o.set("parameters", DeploymentCommand.JSON.readTree(r.parametersJson()));
            ArrayNode h = o.putArray("history");
            for (StateChange c : fc.history().stateHistory(id)) h.add(c.state().toString());
            ArrayNode t = o.putArray("taskRuns");
            for (var task : fc.history().taskRuns(id)) t.add(task.name() + " " + task.state());
            out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        }
        return 0;
    }

    @Command(name = "logs", description = "Print a flow run's log lines.")
    int logs(@Parameters(paramLabel = "ID") UUID id,
             @Option(names = "--follow", description = "Keep printing until the run ends.") boolean follow)
            throws InterruptedException {
        try (Flowcore fc = cli.engine()) {
            if (follow) {
                follow(fc, id, out());
            } else {
                DeploymentCommand.printNewLogs(fc.history().logs(id), 0, out());
            }
        }
        return 0;
    }

    @Command(name = "cancel", description = "Cancel a flow run (its engine stops it; one waiting for a worker ends "
            + "Cancelled at once), or every run matching --state/--deployment/--flow, e.g. a backlog of Late runs.")
    int cancel(@Parameters(paramLabel = "ID", arity = "0..1") UUID id,
               @Option(names = "--state", paramLabel = "S", description = "A state type or name, any case (repeatable).")
               List<String> states,
               @Option(names = "--deployment", paramLabel = "FLOW/DEPLOYMENT") String deployment,
               @Option(names = "--flow", paramLabel = "F") String flow,
               @Option(names = "--dry-run", description = "Print what would be cancelled, cancel nothing.") boolean dryRun) {
        try (Flowcore fc = cli.engine()) {
            if (id != null) {
                if (states != null || deployment != null || flow != null) {
                    throw new IllegalArgumentException("give a run's ID or --state/--deployment/--flow, not both");
                }
                if (dryRun) {
                    out().println("would cancel flow run " + id);
                    return 0;
                }
                boolean cancelled = fc.cancel(id);
                out().println(cancelled ? "Cancelling flow run " + id : "Flow run " + id + " had already ended");
                return cancelled ? 0 : 1;
            }
            if (states == null) {
                throw new IllegalArgumentException("name the runs to cancel: a run's ID, or --state (e.g. --state Late), "
                        + "optionally with --deployment or --flow");
            }
            List<FlowRunRecord> runs = fc.history().flowRuns(FlowRunQuery.all().flow(flow).limit(100_000)).stream()
                    .filter(r -> !r.state().isFinal() && states.stream().anyMatch(s -> matches(r.state(), s))).toList();
            if (deployment != null) {
                Map<UUID, String> of = fc.deployments().ofRuns(runs.stream().map(FlowRunRecord::id).toList());
                runs = runs.stream().filter(r -> deployment.equals(of.get(r.id()))).toList();
            }
            int cancelled = 0;
            for (FlowRunRecord r : runs) {
                if (dryRun) {
                    out().printf("would cancel %s %s (%s)%n", r.id(), r.name(), r.state());
                } else if (fc.cancel(r.id())) {
                    cancelled++;
                    out().printf("cancelled %s %s (was %s)%n", r.id(), r.name(), r.state().name());
                }
            }
            out().println(dryRun ? runs.size() + " run(s) would be cancelled" : cancelled + " run(s) cancelled");
            return 0;
        }
    }

    @Command(name = "delete", description = "Retention: delete the runs that ended before --older-than ago, with their "
            + "task runs, state history, logs and notification events. Runs that have not ended stay.")
    int delete(@Option(names = "--older-than", required = true, paramLabel = "AGE",
                       description = "e.g. 90d, 12h, 30m or ISO-8601 (P90D).") String olderThan,
               @Option(names = "--state", paramLabel = "S", description = "Only runs in this state type or name "
                       + "(repeatable).") List<String> states,
               @Option(names = "--dry-run", description = "Print what would be deleted, delete nothing.") boolean dryRun) {
        java.time.Duration age = io.flowcore.engine.DeploymentFiles.duration(olderThan, "--older-than");
        if (age.isNegative()) throw new IllegalArgumentException("--older-than must not be negative: " + olderThan);
        try (Flowcore fc = cli.engine()) {
            List<FlowRunRecord> runs = fc.history().deleteEnded(java.time.Instant.now().minus(age),
                    states == null ? List.of() : states, dryRun);
            for (FlowRunRecord r : runs) {
                out().printf("%s %s %s %s (%s)%n", dryRun ? "would delete" : "deleted", r.id(), r.name(), r.flowName(),
                        r.state().name());
            }
            out().println(runs.size() + " run(s) " + (dryRun ? "would be deleted" : "deleted"));
        }
        return 0;
    }

    @Command(name = "retry", description = "Run a Failed or Crashed run of a deployment again from its failed task: "
            + "a new run on the deployment's work queue reuses the results of the tasks that completed.")
    int retry(@Parameters(paramLabel = "ID") UUID id) {
        try (Flowcore fc = cli.engine()) {
            FlowRunRecord retry = fc.deployments().retry(id);
            out().printf("Created flow run '%s' (%s) retrying %s; a worker of its deployment's queue runs it%n",
                    retry.name(), retry.id(), id);
        }
        return 0;
    }

    /** Prints state changes and log lines until the run ends; 0 when it ends Completed, else 1. */
    static int follow(Flowcore fc, UUID id, PrintWriter out) throws InterruptedException {
        int seenLogs = 0;
        int seenStates = 0;
        while (true) {
            List<StateChange> history = fc.history().stateHistory(id);
            for (int i = seenStates; i < history.size(); i++) out.println("state: " + history.get(i).state());
            seenStates = history.size();
            seenLogs = DeploymentCommand.printNewLogs(fc.history().logs(id), seenLogs, out);
            out.flush();
            State now = history.isEmpty() ? null : history.getLast().state();
            if (now != null && now.isFinal()) {
                out.println("flow run ended " + now.type().name().toLowerCase(Locale.ROOT) + ": " + now);
                return now.type() == StateType.COMPLETED ? 0 : 1;
            }
            Thread.sleep(200);
        }
    }
}
