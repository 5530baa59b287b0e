package io.flowcore.api.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.stream.Stream;

/**
 * The rule every object-storage block follows when an object key becomes a local path: the path
 * must stay inside the target folder. A key is a {@code /}-separated relative path; a key with an
 * empty segment ({@code a//b}), a {@code .} or {@code ..} segment, a backslash, a NUL character or a
 * leading {@code /} is refused rather than normalised, because an object store may hold both
 * {@code data/x} and {@code data//x} and they must not silently become one file.
 *
 * <p>Folder transfers check every object before they write anything: {@link #targetsInside} maps all
 * keys of a download to files (refusing the whole download if one key would escape), and
 * {@link #filesToUpload} walks an upload folder without following symbolic links, refusing a folder
 * that contains one (a link could carry files from outside the folder into the store).
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    /**
     * The file that {@code relativeKey} names inside {@code folder}.
     *
     * @param blockSlug the block type, for the error message (e.g. {@code s3-bucket})
     * @throws BlockException naming the key and the rule it breaks
     */
    public static Path resolveInside(Path folder, String relativeKey, String blockSlug) {
        String why = problem(relativeKey);
        if (why != null) {
            throw new BlockException(blockSlug + ": refusing object key '" + printable(relativeKey) + "': " + why
                    + "; it would not stay inside " + folder);
        }
        Path base = folder.toAbsolutePath().normalize();
        Path file = base.resolve(relativeKey).normalize();
        if (!file.startsWith(base) || file.equals(base)) {
            throw new BlockException(blockSlug + ": refusing object key '" + printable(relativeKey)
                    + "': it resolves outside " + base);
        }
        return file;
    }

    /**
     * The file each key becomes under {@code folder}, in key order: key {@code base + rest} becomes
     * {@code folder/rest}. Every key is checked first, so a download that would write outside the folder
     * fails before it writes any file.
     *
     * @param base the listed prefix, ending with {@code /} (or empty); every key starts with it
     * @throws BlockException naming the first key that would not stay inside {@code folder}
     */
    public static SequencedMap<String, Path> targetsInside(Path folder, String base, List<String> keys, String blockSlug) {
        SequencedMap<String, Path> targets = new LinkedHashMap<>();
        for (String key : keys) {
            if (!key.startsWith(base)) {
                throw new BlockException(blockSlug + ": listed object key '" + printable(key) + "' is not under '" + base + "'");
            }
            targets.put(key, resolveInside(folder, key.substring(base.length()), blockSlug));
        }
        return targets;
    }

    /**
     * The regular files under {@code folder} and the key each is uploaded to ({@code prefix/<relative
     * path>}), sorted by path. The folder is walked without following symbolic links.
     *
     * @throws BlockException naming the first symbolic link found (nothing should be uploaded then), or
     *                        when the folder cannot be read
     */
    public static SequencedMap<Path, String> filesToUpload(Path folder, String prefix, String blockSlug) {
        Path root;
        List<Path> files = new ArrayList<>();
        try {
            root = folder.toRealPath();   // the folder itself may be reached through a link; nothing under it may
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted().toList()) {
                    if (Files.isSymbolicLink(p)) {
                        throw new BlockException(blockSlug + ": refusing to upload folder " + folder + ": "
                                + folder.resolve(root.relativize(p)) + " is a symbolic link (to "
                                + Files.readSymbolicLink(p) + "); links are never followed, so replace it with the file"
                                + " or folder it points to, or move it out of the folder");
                    }
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) files.add(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BlockException(blockSlug + ": cannot read folder " + folder + ": " + e.getMessage(), e);
        }
        String base = prefix == null || prefix.isEmpty() ? "" : prefix.replaceAll("/+$", "") + "/";
        SequencedMap<Path, String> out = new LinkedHashMap<>();
        for (Path f : files) out.put(f, base + root.relativize(f).toString().replace('\\', '/'));
        return out;
    }

    /** Why {@code key} cannot become a relative path, or null when it can. */
    static String problem(String key) {
        if (key == null || key.isEmpty()) return "it is empty";
        if (key.indexOf('\0') >= 0) return "it contains a NUL character";
        if (key.indexOf('\\') >= 0) return "it contains a backslash";
        if (key.startsWith("/")) return "it starts with '/'";
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) return "it has an empty path segment ('//' or a trailing '/')";
            if (segment.equals(".") || segment.equals("..")) return "it has a '" + segment + "' path segment";
        }
        return null;
    }

    private static String printable(String key) {
        return key == null ? "null" : key.replace("\0", "\\0");
    }
}
