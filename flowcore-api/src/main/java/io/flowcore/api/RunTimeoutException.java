package io.flowcore.api;

/** Thrown where a task or flow run ran past its timeout; the run ends in a Failed state named TimedOut. */
public class RunTimeoutException extends RuntimeException {
    public RunTimeoutException(String message) {
        super(message);
    }
}
