package io.flowcore.engine.internal.store;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.spi.ResultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Large results as objects {@code <prefix>/<key>.json} in an object storage block, so that a worker on
 * another machine reads what this one wrote. The blocks move files, so each result passes through a
 * temporary file; object stores make a finished upload visible at once and whole.
 */
public final class ObjectStorageResults implements ResultStore {
    private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private final ObjectStorageBlock storage;
    private final String prefix;

    public ObjectStorageResults(ObjectStorageBlock storage, String prefix) {
        this.storage = Objects.requireNonNull(storage, "storage");
        String p = Objects.requireNonNull(prefix, "prefix").replaceAll("^/+|/+$", "");
        this.prefix = p.isEmpty() ? "" : p + "/";
    }

    private String object(String key) {
        if (!SAFE_KEY.matcher(key).matches() || key.startsWith(".")) {
            throw new IllegalArgumentException("result key must match " + SAFE_KEY + ": '" + key + "'");
        }
        return prefix + key + ".json";
    }

    @Override
    public void write(String key, byte[] bytes) {
        String object = object(key);
        Path tmp = null;
        try {
            tmp = Files.createTempFile("flowcore-result-", ".json");
            Files.write(tmp, bytes);
            storage.upload(tmp, object);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write result " + object, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        String object = object(key);
        if (!storage.exists(object)) return Optional.empty();
        Path tmp = null;
        try {
            tmp = Files.createTempFile("flowcore-result-", ".json");
            storage.download(object, tmp);
            return Optional.of(Files.readAllBytes(tmp));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read result " + object, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public boolean exists(String key) {
        return storage.exists(object(key));
    }

    @Override
    public boolean delete(String key) {
        return storage.delete(object(key));
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file; the OS cleans its temp folder
        }
    }
}
