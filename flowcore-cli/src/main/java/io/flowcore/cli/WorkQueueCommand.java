package io.flowcore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flowcore work-queue create|ls|inspect|pause|resume|set-concurrency|set-priority}: the queues runs
 * of deployments wait in. Their settings hold in the store for every worker.
 */
@Command(name = "work-queue", mixinStandardHelpOptions = true,
        description = "Create, list, inspect, pause, resume and limit work queues.")
final class WorkQueueCommand extends Subcommand {

    @Command(name = "create", description = "Create a work queue.")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--limit", paramLabel = "N", description = "At most N of its runs active at once "
                       + "across all workers (default: no limit).") Integer limit,
               @Option(names = "--priority", paramLabel = "P", defaultValue = "0", description = "Lower is served "
                       + "first by a worker of several queues (default 0).") int priority,
               @Option(names = "--description", paramLabel = "TEXT") String description) {
        try (Flowcore fc = cli.engine()) {
            WorkQueue q = fc.workQueues().create(name, limit, priority, description);
            out().printf("Created work queue '%s' (%s)%n", q.name(), settings(q));
        }
        return 0;
    }

    @Command(name = "ls", description = "List work queues, by priority.")
    int ls(@Option(names = "--json", description = "Print JSON.") boolean json) throws IOException {
        try (Flowcore fc = cli.engine()) {
            List<WorkQueue> all = fc.workQueues().list();
            if (json) {
                ArrayNode a = DeploymentCommand.JSON.createArrayNode();
                for (WorkQueue q : all) a.add(toJson(q));
                out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
            } else {
                out().printf("%-24s %-8s %-8s %-7s %s%n", "NAME", "PRIORITY", "LIMIT", "PAUSED", "DESCRIPTION");
                for (WorkQueue q : all) {
                    out().printf("%-24s %-8d %-8s %-7s %s%n", q.name(), q.priority(),
                            q.concurrencyLimit() == null ? "-" : q.concurrencyLimit(), q.paused() ? "yes" : "no",
                            q.description());
                }
            }
        }
        return 0;
    }

    @Command(name = "inspect", description = "Show a work queue and the deployments that use it.")
    int inspect(@Parameters(paramLabel = "NAME") String name,
                @Option(names = "--json", description = "Print JSON.") boolean json) throws IOException {
        try (Flowcore fc = cli.engine()) {
            WorkQueue q = fc.workQueues().get(name).orElseThrow(() -> unknown(fc, name));
            List<String> deployments = fc.deployments().list().stream().filter(d -> d.workQueue().equals(name))
                    .map(DeploymentRecord::fullName).toList();
            if (json) {
                ObjectNode o = toJson(q);
                o.set("deployments", DeploymentCommand.JSON.valueToTree(deployments));
                out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            } else {
                out().printf("work queue '%s': %s%n", q.name(), settings(q));
                if (!q.description().isEmpty()) out().printf("description: %s%n", q.description());
                out().printf("created: %s%n", q.createdAt());
                out().printf("deployments: %s%n", deployments.isEmpty() ? "none" : String.join(", ", deployments));
            }
        }
        return 0;
    }

    @Command(name = "pause", description = "Stop workers from claiming the queue's runs (running ones go on).")
    int pause(@Parameters(paramLabel = "NAME") String name) {
        try (Flowcore fc = cli.engine()) {
            fc.workQueues().pause(name);
            out().printf("Paused work queue '%s'%n", name);
        }
        return 0;
    }

    @Command(name = "resume", description = "Let workers claim the queue's runs again.")
    int resume(@Parameters(paramLabel = "NAME") String name) {
        try (Flowcore fc = cli.engine()) {
            fc.workQueues().resume(name);
            out().printf("Resumed work queue '%s'%n", name);
        }
        return 0;
    }

    @Command(name = "set-concurrency", description = "Set (N) or clear (--clear) a queue's concurrency limit.")
    int setConcurrency(@Parameters(paramLabel = "NAME", index = "0") String name,
                       @Parameters(paramLabel = "N", index = "1", arity = "0..1", description = "At most N of its "
                               + "runs active at once, across all workers.") Integer limit,
                       @Option(names = "--clear", description = "Remove the limit.") boolean clear) {
        if ((limit == null) == !clear) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either a limit N or --clear, not " + (clear ? "both" : "neither"));
        }
        try (Flowcore fc = cli.engine()) {
            WorkQueue q = fc.workQueues().setConcurrencyLimit(name, clear ? null : limit);
            out().printf("Work queue '%s': %s%n", name, settings(q));
        }
        return 0;
    }

    @Command(name = "set-priority", description = "Set a queue's priority (lower is served first).")
    int setPriority(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "P") int priority) {
        try (Flowcore fc = cli.engine()) {
            WorkQueue q = fc.workQueues().setPriority(name, priority);
            out().printf("Work queue '%s': %s%n", name, settings(q));
        }
        return 0;
    }

    private static IllegalArgumentException unknown(Flowcore fc, String name) {
        return new IllegalArgumentException("no work queue '" + name + "'; there are "
                + fc.workQueues().list().stream().map(WorkQueue::name).toList());
    }

    private static String settings(WorkQueue q) {
        return (q.paused() ? "paused" : "active") + ", priority " + q.priority() + ", "
                + (q.concurrencyLimit() == null ? "no concurrency limit" : "concurrency limit " + q.concurrencyLimit());
    }

    static ObjectNode toJson(WorkQueue q) {
        ObjectNode o = DeploymentCommand.JSON.createObjectNode();
        o.put("name", q.name());
        o.put("paused", q.paused());
        if (q.concurrencyLimit() == null) o.putNull("concurrencyLimit");
        else o.put("concurrencyLimit", q.concurrencyLimit());
        o.put("priority", q.priority());
        o.put("description", q.description());
        o.put("createdAt", q.createdAt().toString());
        return o;
    }
}
