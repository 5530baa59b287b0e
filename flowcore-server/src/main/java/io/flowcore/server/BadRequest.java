package io.flowcore.server;

/** A request value that cannot be used; answered with 400 and this message, which names the value. */
final class BadRequest extends RuntimeException {
    BadRequest(String message) {
        super(message);
    }
}
