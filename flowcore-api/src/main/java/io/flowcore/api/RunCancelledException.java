package io.flowcore.api;

/** Thrown where a run was cancelled; the run ends Cancelled. */
public class RunCancelledException extends RuntimeException {
    public RunCancelledException(String message) {
        super(message);
    }
}
