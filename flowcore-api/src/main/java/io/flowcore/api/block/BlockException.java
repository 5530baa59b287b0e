package io.flowcore.api.block;

/**
 * A block could not be saved, loaded or used. The message names the block (type and, when known,
 * name) and never contains a secret value.
 */
public class BlockException extends RuntimeException {

    public BlockException(String message) {
        super(message);
    }

    public BlockException(String message, Throwable cause) {
        super(message, cause);
    }
}
