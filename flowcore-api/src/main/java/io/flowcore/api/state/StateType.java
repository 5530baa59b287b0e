package io.flowcore.api.state;

/**
 * What a state means. Prefect's nine state types; a situation that needs a new word gets a new
 * {@linkplain State#name() name} (AwaitingRetry, Cached, TimedOut…), never a new type.
 */
public enum StateType {
    SCHEDULED(false), PENDING(false), RUNNING(false), PAUSED(false), CANCELLING(false),
    COMPLETED(true), FAILED(true), CANCELLED(true), CRASHED(true);

    private final boolean terminal;

    StateType(boolean terminal) {
        this.terminal = terminal;
    }

    /** True for COMPLETED, FAILED, CANCELLED and CRASHED: a run in such a state has ended. */
    public boolean isFinal() {
        return terminal;
    }

    /** The display name of the plain state of this type, e.g. {@code Running}. */
    public String displayName() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
