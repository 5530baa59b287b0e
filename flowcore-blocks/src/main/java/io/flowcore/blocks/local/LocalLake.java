package io.flowcore.blocks.local;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.ObjectKeys;
import io.flowcore.api.block.ObjectStorageBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder used as object storage: the embedded default when no cloud bucket is configured. Keys
 * are paths relative to {@code folder}; writes go to a temporary file first and are renamed into
 * place, so a reader never sees a half-written object. Keys follow {@link ObjectKeys}; a symbolic link
 * inside the lake is refused wherever it is met (list, download, upload, exists, delete), so the lake
 * never reads or writes outside its folder.
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
        Path root = root();
        Path p = ObjectKeys.resolveInside(root, key, "local-lake " + folder);
        // The key stays inside the lake by its name; a link on its way could still lead out of it.
        for (Path step = root.resolve(root.relativize(p).getName(0)); ; step = step.resolve(p.getName(step.getNameCount()))) {
            if (Files.isSymbolicLink(step)) throw link(root, step, "key '" + key + "'");
            if (step.equals(p) || !Files.exists(step, LinkOption.NOFOLLOW_LINKS)) break;
        }
        return p;
    }

    private BlockException link(Path root, Path link, String what) {
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            target = "?";
        }
        return new BlockException("local-lake " + folder + ": refusing " + what + ": '" + root.relativize(link).toString()
                .replace('\\', '/') + "' is a symbolic link (to " + target + "); the lake never follows links out of its"
                + " folder: replace the link with the file or folder itself");
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
        for (var e : ObjectKeys.targetsInside(target, base, list(base), "local-lake " + folder).entrySet()) {
            out.add(download(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** {@inheritDoc} A symbolic link anywhere in the lake is refused (its name in the error), never followed. */
    @Override
    public List<String> list(String prefix) {
        if (!Files.isDirectory(root())) return List.of();
        String p = prefix == null ? "" : prefix;
        List<String> keys = new ArrayList<>();
        Path root;
        try {
            root = root().toRealPath();   // the lake's folder itself may be a link; nothing inside it may
        } catch (IOException e) {
            throw new BlockException("local-lake " + folder + ": cannot list: " + e.getMessage(), e);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.equals(root)) continue;
                if (Files.isSymbolicLink(f)) throw link(root, f, "to list '" + p + "'");
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) continue;
                if (f.getFileName().toString().startsWith(".flowcore-tmp-")) continue;
                String key = root.relativize(f).toString().replace('\\', '/');
                if (key.startsWith(p)) keys.add(key);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BlockException("local-lake " + folder + ": cannot list: " + e.getMessage(), e);
        }
        keys.sort(null);
        return keys;
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
}
