package io.flowcore.api.block;

import io.flowcore.api.state.StateType;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to deliver through a {@link NotifierBlock}: a flow run entered a state. Every value here
 * may be shown to the receiver, so it holds no secret (parameters are given already rendered, with
 * secret values masked).
 *
 * @param eventId    the event's id, the same on every delivery attempt of this event, so a receiver
 *                   can drop a duplicate (webhooks get it as {@code Flowcore-Event-Id}, mail as the
 *                   {@code Message-ID} {@code <eventId@flowcore>})
 * @param title      one line saying what happened (a chat message's title, a mail's default subject)
 * @param body       the text below the title
 * @param flowName   the flow's name
 * @param runId      the flow run's id
 * @param runName    the flow run's name
 * @param deployment the deployment that created the run, or null
 * @param stateType  the type of the state the run entered
 * @param stateName  the state's name, e.g. {@code Failed}, {@code TimedOut}, {@code Late}
 * @param message    the state's message ("" if none)
 * @param occurredAt when the run entered the state
 * @param startedAt  when the run started, or null if it has not
 * @param parameters the run's parameters, rendered as text with secrets masked, in order
 * @param link       a link to the run (e.g. in a UI), or null
 */
public record Notification(UUID eventId, String title, String body, String flowName, UUID runId, String runName,
                           String deployment, StateType stateType, String stateName, String message, Instant occurredAt,
                           Instant startedAt, Map<String, String> parameters, String link) {

    public Notification {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runName, "runName");
        if (deployment != null && deployment.isBlank()) deployment = null;
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (stateName == null || stateName.isBlank()) stateName = stateType.displayName();
        if (message == null) message = "";
        if (title == null || title.isBlank()) title = defaultTitle(flowName, runName, stateName);
        if (body == null) body = defaultBody(stateName, message, occurredAt, startedAt);
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        if (link != null && link.isBlank()) link = null;
    }

    /**
     * An event with the default title ({@code Flow run etl/brave-otter entered Failed}) and body (the
     * state's message and times).
     */
    public static Notification of(UUID eventId, String flowName, UUID runId, String runName, String deployment,
                                  StateType stateType, String stateName, String message, Instant occurredAt,
                                  Instant startedAt, Map<String, String> parameters, String link) {
        return new Notification(eventId, null, null, flowName, runId, runName, deployment, stateType, stateName, message,
                occurredAt, startedAt, parameters, link);
    }

    private static String defaultTitle(String flow, String run, String state) {
        return "Flow run " + flow + "/" + run + " entered " + state;
    }

    private static String defaultBody(String state, String message, Instant at, Instant startedAt) {
        StringBuilder b = new StringBuilder();
        if (!message.isEmpty()) b.append(message).append('\n');
        b.append(state).append(" at ").append(at);
        if (startedAt != null) b.append(" (started ").append(startedAt).append(')');
        return b.toString();
    }
}
