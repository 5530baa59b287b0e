package io.flowcore.engine.internal.store;

/** A database error of a state store, with the statement or step that failed in its message. */
final class StoreException extends RuntimeException {
    StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
