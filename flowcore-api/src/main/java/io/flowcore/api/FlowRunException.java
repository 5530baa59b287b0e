package io.flowcore.api;

/**
 * A flow run did not complete. The cause is the exception that failed it (a task's or the flow's own),
 * when there is one.
 */
public class FlowRunException extends RuntimeException {
    public FlowRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
