package io.flowcore.api.block;

import java.nio.file.Path;

/**
 * The rule every object-storage block follows when an object key becomes a local path: the path
 * must stay inside the target folder. A key is a {@code /}-separated relative path; a key with an
 * empty segment ({@code a//b}), a {@code .} or {@code ..} segment, a backslash, a NUL character or a
 * leading {@code /} is refused rather than normalised, because an object store may hold both
 * {@code data/x} and {@code data//x} and they must not silently become one file.
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
