package io.flowcore.api.notification;

import io.flowcore.api.state.State;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which flow runs entering which states notify which notifier block. Kept in the run store, so every
 * engine and worker on it applies it; the event is written in the same transaction as the state change
 * and delivered at least once by any engine's sender.
 *
 * @param name        the rule's unique name
 * @param flows       flow names it applies to; empty for every flow
 * @param deployments deployment full names ({@code flow/deployment}) it applies to; empty for any run
 * @param tags        deployment tags, any of which matches; empty for any
 * @param states      state types or names entered, case-insensitive, e.g. {@code Failed}, {@code Crashed},
 *                    {@code TimedOut}, {@code Completed}; at least one
 * @param notifier    the saved notifier block's name (a Slack or Teams webhook, a webhook, email)
 * @param paused      a paused rule creates no events
 */
public record NotificationRule(String name, Set<String> flows, Set<String> deployments, Set<String> tags,
                               Set<String> states, String notifier, boolean paused) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public NotificationRule {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("notification rule name '" + name + "' must match " + NAME.pattern());
        }
        flows = checked("flows", flows);
        deployments = checked("deployments", deployments);
        tags = checked("tags", tags);
        states = checked("states", states);
        if (states.isEmpty()) {
            throw new IllegalArgumentException("notification rule '" + name + "' names no state: give at least one, "
                    + "e.g. Failed, Crashed, TimedOut, Completed");
        }
        if (notifier == null || notifier.isBlank()) {
            throw new IllegalArgumentException("notification rule '" + name + "' names no notifier block");
        }
    }

    /** A rule that notifies {@code notifier} when any run enters one of {@code states}; narrow it with the withers. */
    public static NotificationRule of(String name, String notifier, String... states) {
        return new NotificationRule(name, Set.of(), Set.of(), Set.of(), Set.of(states), notifier, false);
    }

    public NotificationRule forFlows(String... names) {
        return new NotificationRule(name, Set.of(names), deployments, tags, states, notifier, paused);
    }

    public NotificationRule forDeployments(String... fullNames) {
        return new NotificationRule(name, flows, Set.of(fullNames), tags, states, notifier, paused);
    }

    public NotificationRule forTags(String... any) {
        return new NotificationRule(name, flows, deployments, Set.of(any), states, notifier, paused);
    }

    public NotificationRule withPaused(boolean p) {
        return new NotificationRule(name, flows, deployments, tags, states, notifier, p);
    }

    /** Whether a run of {@code flow} (of {@code deployment} with {@code deploymentTags}, or none) entering {@code state} matches. */
    public boolean matches(String flow, String deployment, Set<String> deploymentTags, State state) {
        if (paused || !matchesState(state)) return false;
        if (!flows.isEmpty() && !flows.contains(flow)) return false;
        if (!deployments.isEmpty() && (deployment == null || !deployments.contains(deployment))) return false;
        return tags.isEmpty() || deploymentTags.stream().anyMatch(tags::contains);
    }

    /** Whether {@code state}'s type or name is one of {@link #states()}, case-insensitively. */
    public boolean matchesState(State state) {
        for (String s : states) {
            if (s.equalsIgnoreCase(state.name()) || s.equalsIgnoreCase(state.type().name())) return true;
        }
        return false;
    }

    private static Set<String> checked(String what, Set<String> values) {
        Set<String> out = new TreeSet<>();
        for (String v : values == null ? Set.<String>of() : values) {
            if (v == null || v.isBlank() || v.contains(",")) {
                throw new IllegalArgumentException("notification rule " + what + ": '" + v + "' is blank or has a comma");
            }
            out.add(v.strip());
        }
        return Set.copyOf(out);
    }

    @Override
    public String toString() {
        return name + " (" + String.join("|", new TreeSet<>(states)) + " → " + notifier + (paused ? ", paused" : "")
                + (flows.isEmpty() ? "" : ", flows " + flows) + (deployments.isEmpty() ? "" : ", deployments " + deployments)
                + (tags.isEmpty() ? "" : ", tags " + tags) + ")";
    }
}
