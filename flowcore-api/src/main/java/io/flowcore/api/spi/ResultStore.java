package io.flowcore.api.spi;

import java.util.Optional;

/** Where persisted task results live, as bytes under a key. The default is a local folder. */
public interface ResultStore {

    /** Stores {@code bytes} under {@code key}, atomically: a reader sees all of it or nothing. */
    void write(String key, byte[] bytes);

    Optional<byte[]> read(String key);

    boolean exists(String key);

    /**
     * Deletes the result under {@code key} (retention deletes the results of the runs it deletes, once no
     * run or cache entry names them).
     *
     * @return false when there was nothing to delete
     */
    default boolean delete(String key) {
        return false;
    }
}
