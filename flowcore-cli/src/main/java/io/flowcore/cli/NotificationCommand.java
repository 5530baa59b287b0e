package io.flowcore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.notification.NotificationEvent;
import io.flowcore.api.notification.NotificationRule;
import io.flowcore.engine.Flowcore;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** flowcore notification create|ls|inspect|pause|resume|rm|test|events|pause-notifier|resume-notifier. */
@Command(name = "notification", mixinStandardHelpOptions = true,
        description = "Notification rules: which runs entering which states notify which notifier block.")
final class NotificationCommand extends Subcommand {

    @Command(name = "create", description = "Create (or replace) a rule.")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--notifier", required = true, description = "The notifier block's name.") String notifier,
               @Option(names = "--state", required = true, description = "A state type or name, e.g. Failed (repeatable).")
               List<String> states,
               @Option(names = "--flow", description = "Only runs of this flow (repeatable).") List<String> flows,
               @Option(names = "--deployment", description = "Only runs of this deployment, flow/name (repeatable).")
               List<String> deployments,
               @Option(names = "--tag", description = "Only runs of deployments with this tag (repeatable).") List<String> tags) {
        NotificationRule rule = new NotificationRule(name, set(flows), set(deployments), set(tags), set(states), notifier, false);
        try (Flowcore fc = cli.engine()) {
            // a typo is refused now, not at delivery
            if (!(fc.blocks().load(notifier) instanceof io.flowcore.api.block.NotifierBlock)) {
                throw new IllegalArgumentException("block '" + notifier + "' is not a notifier (a Slack or Teams webhook, "
                        + "a webhook or an email notifier)");
            }
            fc.notifications().save(rule);
        }
        out().println("notification rule " + rule);
        return 0;
    }

    @Command(name = "ls", description = "List the rules.")
    int ls(@Option(names = "--json", description = "Print JSON.") boolean json) throws Exception {
        try (Flowcore fc = cli.engine()) {
            List<NotificationRule> rules = fc.notifications().rules();
            if (json) {
                ArrayNode a = DeploymentCommand.JSON.createArrayNode();
                for (NotificationRule r : rules) a.add(toJson(r));
                out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
            } else {
                out().printf("%-24s %-24s %-8s %s%n", "RULE", "NOTIFIER", "PAUSED", "STATES");
                for (NotificationRule r : rules) {
                    out().printf("%-24s %-24s %-8s %s%n", r.name(), r.notifier(), r.paused() ? "yes" : "no",
                            String.join(",", new TreeSet<>(r.states())));
                }
            }
        }
        return 0;
    }

    @Command(name = "inspect", description = "Show a rule.")
    int inspect(@Parameters(paramLabel = "NAME") String name) throws Exception {
        try (Flowcore fc = cli.engine()) {
            NotificationRule r = fc.notifications().rule(name).orElseThrow(() -> new IllegalArgumentException(
                    "no notification rule named '" + name + "'"));
            out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r)));
        }
        return 0;
    }

    @Command(name = "pause", description = "Pause a rule: it creates no events.")
    int pause(@Parameters(paramLabel = "NAME") String name) {
        try (Flowcore fc = cli.engine()) {
            out().println("paused " + fc.notifications().setPaused(name, true));
        }
        return 0;
    }

    @Command(name = "resume", description = "Resume a paused rule.")
    int resume(@Parameters(paramLabel = "NAME") String name) {
        try (Flowcore fc = cli.engine()) {
            out().println("resumed " + fc.notifications().setPaused(name, false));
        }
        return 0;
    }

    @Command(name = "rm", description = "Delete a rule (events it created are still delivered).")
    int rm(@Parameters(paramLabel = "NAME") String name) {
        try (Flowcore fc = cli.engine()) {
            fc.notifications().delete(name);
        }
        out().println("deleted notification rule " + name);
        return 0;
    }

    @Command(name = "test", description = "Send a test message through the rule's notifier now.")
    int test(@Parameters(paramLabel = "NAME") String name) {
        try (Flowcore fc = cli.engine()) {
            fc.notifications().test(name);
        }
        out().println("sent a test notification for rule " + name);
        return 0;
    }

    @Command(name = "events", description = "The newest events of the outbox.")
    int events(@Option(names = "--limit", defaultValue = "20") int limit,
               @Option(names = "--json", description = "Print JSON.") boolean json) throws Exception {
        try (Flowcore fc = cli.engine()) {
            List<NotificationEvent> events = fc.notifications().events(limit);
            if (json) {
                out().println(DeploymentCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(events));
            } else {
                out().printf("%-36s %-16s %-10s %-9s %-8s %s%n", "EVENT", "RULE", "STATE", "STATUS", "ATTEMPTS", "LAST ERROR");
                for (NotificationEvent e : events) {
                    out().printf("%-36s %-16s %-10s %-9s %-8d %s%n", e.id(), e.rule(), e.stateName(), e.status(),
                            e.attempts(), e.lastError() == null ? "" : e.lastError());
                }
            }
        }
        return 0;
    }

    @Command(name = "pause-notifier", description = "Pause a notifier block: its events wait.")
    int pauseNotifier(@Parameters(paramLabel = "BLOCK") String notifier) {
        try (Flowcore fc = cli.engine()) {
            fc.notifications().setNotifierPaused(notifier, true);
        }
        out().println("paused notifier " + notifier);
        return 0;
    }

    @Command(name = "resume-notifier", description = "Resume a notifier paused by hand or after failing too often.")
    int resumeNotifier(@Parameters(paramLabel = "BLOCK") String notifier) {
        try (Flowcore fc = cli.engine()) {
            fc.notifications().setNotifierPaused(notifier, false);
        }
        out().println("resumed notifier " + notifier + "; its waiting notifications go out with the next delivery");
        return 0;
    }

    private static Set<String> set(List<String> values) {
        return values == null ? Set.of() : Set.copyOf(values);
    }

    private static ObjectNode toJson(NotificationRule r) {
        ObjectNode o = DeploymentCommand.JSON.createObjectNode();
        o.put("name", r.name());
        o.put("notifier", r.notifier());
        o.put("paused", r.paused());
        o.set("states", DeploymentCommand.JSON.valueToTree(new TreeSet<>(r.states())));
        o.set("flows", DeploymentCommand.JSON.valueToTree(new TreeSet<>(r.flows())));
        o.set("deployments", DeploymentCommand.JSON.valueToTree(new TreeSet<>(r.deployments())));
        o.set("tags", DeploymentCommand.JSON.valueToTree(new TreeSet<>(r.tags())));
        return o;
    }
}
