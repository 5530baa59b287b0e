package io.flowcore.blocks.local;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.ObjectStorageBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder used as object storage: the embedded default when no cloud bucket is configured. Keys
 * are paths relative to {@code folder}; writes go to a temporary file first and are renamed into
 * place, so a reader never sees a half-written object.
 *
 * @param folder the lake's root folder (created on first write)
 */
@BlockType(description = "A local folder used as object storage (atomic writes)")
public record LocalLake(String folder) implements ObjectStorageBlock {

    public LocalLake {
        if (folder == null || folder.isBlank()) throw new BlockException("local-lake needs a 'folder'");
    }

    /** A lake in {@code folder}. */
    public static LocalLake at(Path folder) {
        return new LocalLake(folder.toAbsolutePath().toString());
    }

    private Path root() {
        return Path.of(folder).toAbsolutePath().normalize();
    }

    private Path resolve(String key) {
        if (key == null || key.isBlank() || key.startsWith("/") || key.contains("\\")) {
            throw new BlockException("local-lake " + folder + ": invalid key '" + key + "'");
        }
        Path p = root().resolve(key).normalize();
        if (!p.startsWith(root()) || p.equals(root())) {
            throw new BlockException("local-lake " + folder + ": key '" + key + "' points outside the lake");
        }
        return p;
    }

    @Override
    public String upload(Path file, String key) {
        Path target = resolve(key);
        copyAtomically(file, target);
        return key;
    }

    @Override
    public Path download(String key, Path file) {
        Path source = resolve(key);
        if (!Files.isRegularFile(source)) throw new BlockException("local-lake " + folder + ": no object '" + key + "'");
        copyAtomically(source, file);
        return file;
    }

    @Override
    public List<Path> downloadFolder(String prefix, Path target) {
        List<Path> out = new ArrayList<>();
        String base = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        for (String key : list(base)) out.add(download(key, target.resolve(key.substring(base.length()))));
        return out;
    }

    @Override
    public List<String> list(String prefix) {
        Path root = root();
        if (!Files.isDirectory(root)) return List.of();
        String p = prefix == null ? "" : prefix;
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".flowcore-tmp-"))
                    .map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(p)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BlockException("local-lake " + folder + ": cannot list: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public boolean delete(String key) {
        try {
            return Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new BlockException("local-lake " + folder + ": cannot delete '" + key + "': " + e.getMessage(), e);
        }
    }

    private void copyAtomically(Path from, Path to) {
        Path tmp = null;
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            tmp = Files.createTempFile(to.toAbsolutePath().getParent(), ".flowcore-tmp-", ".part");
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BlockException("local-lake " + folder + ": cannot copy " + from + " to " + to + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is hidden from list()
                }
            }
        }
    }

    private static String join(String prefix, String rel) {
        if (prefix == null || prefix.isEmpty()) return rel;
        return prefix.endsWith("/") ? prefix + rel : prefix + "/" + rel;
    }
}
