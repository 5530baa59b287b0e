package io.flowcore.engine.internal.store;

/** A database error of a state store, with the statement or step that failed in its message. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
