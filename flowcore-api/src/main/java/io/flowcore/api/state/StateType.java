package io.flowcore.api.state;

/**
 * What a state means. Prefect's nine state types; a situation that needs a new word gets a new
 * {@linkplain State#name() name} (AwaitingRetry, Cached, TimedOut…), never a new type.
 */
public enum StateType {
    SCHEDULED(false), PENDING(false), RUNNING(false), PAUSED(false), CANCELLING(false),
    COMPLETED(true), FAILED(true), CANCELLED(true), CRASHED(true);

    private final boolean terminal;
    private final String displayName;

    StateType(boolean terminal) {
        this.terminal = terminal;
        this.displayName = name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** True for COMPLETED, FAILED, CANCELLED and CRASHED: a run in such a state has ended. */
    public boolean isFinal() {
        return terminal;
    }

    /** The display name of the plain state of this type, e.g. {@code Running}. */
    public String displayName() {
        return displayName;
    }
}
