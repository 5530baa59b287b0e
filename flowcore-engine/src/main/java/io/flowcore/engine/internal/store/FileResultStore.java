package io.flowcore.engine.internal.store;

import io.flowcore.api.spi.ResultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/** Results as files in a local folder; each write lands under a temporary name and is moved into place atomically. */
public final class FileResultStore implements ResultStore {
    private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private final Path folder;

    public FileResultStore(Path folder) {
        this.folder = folder;
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the result folder " + folder, e);
        }
    }

    private Path file(String key) {
        if (!SAFE_KEY.matcher(key).matches() || key.startsWith(".")) {
            throw new IllegalArgumentException("result key must match " + SAFE_KEY + ": '" + key + "'");
        }
        return folder.resolve(key + ".json");
    }

    @Override
    public void write(String key, byte[] bytes) {
        Path target = file(key);
        try {
            Path tmp = Files.createTempFile(folder, ".tmp-", ".json");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write result " + target, e);
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        try {
            return Optional.of(Files.readAllBytes(file(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read result " + file(key), e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.exists(file(key));
    }

    @Override
    public boolean delete(String key) {
        try {
            return Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete result " + file(key), e);
        }
    }
}
