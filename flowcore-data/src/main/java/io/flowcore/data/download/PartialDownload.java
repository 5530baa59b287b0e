package io.flowcore.data.download;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/*
 * The bytes of a download so far ({@code name.part}) and the version of the resource they belong
 * to ({@code name.part.validator}: the strong ETag, else the Last-Modified date, exactly as the
 * server sent it). A resume sends that validator as If-Range, so a server whose file changed sends
 * the whole new file (200) instead of the rest of it; a 206 is appended only when it carries the
 * same validator, for servers that ignore If-Range. Without a validator there is no safe resume:
 * the download starts again from byte 0. Never splice two versions.
 *
 * Order on a restart: the old bytes go first, then the new validator is written, then new bytes
 * are appended, so a crash in between never leaves old bytes under a new validator.
 */
final class PartialDownload {
    private final Path part;
    private final Path validatorFile;

    PartialDownload(Path target) {
        this.part = target.resolveSibling(target.getFileName() + ".part");
        this.validatorFile = target.resolveSibling(target.getFileName() + ".part.validator");
    }

    Path file() {
        return part;
    }

    /** Bytes kept; 0 when there are none or they cannot be resumed safely (no validator). */
    long resumableBytes() throws IOException {
        if (!Files.exists(part)) return 0;
        if (validator() == null) {
            discard();
            return 0;
        }
        return Files.size(part);
    }

    /** The If-Range value for the kept bytes, or null. */
    String validator() throws IOException {
        if (!Files.exists(validatorFile)) return null;
        String v = Files.readString(validatorFile, StandardCharsets.UTF_8).strip();
        return v.isEmpty() ? null : v;
    }

    /** Whether a 206 answer belongs to the same version as the kept bytes. */
    boolean sameVersion(HttpHeaders headers) throws IOException {
        String kept = validator();
        return kept != null && kept.equals(validatorOf(headers));
    }

    /** Drops the kept bytes and records the version that the bytes about to be appended belong to. */
    void restart(HttpHeaders headers) throws IOException {
        Files.deleteIfExists(part);
        String v = validatorOf(headers);
        if (v == null) {
            Files.deleteIfExists(validatorFile);
            return;
        }
        Path tmp = validatorFile.resolveSibling(validatorFile.getFileName() + ".tmp");
        Files.writeString(tmp, v + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, validatorFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    OutputStream append() throws IOException {
        return Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Moves the complete bytes to {@code target} and forgets the validator. */
    void completeAs(Path target) throws IOException {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(validatorFile);
    }

    /** Deletes the kept bytes and their validator. */
    void discard() throws IOException {
        Files.deleteIfExists(part);
        Files.deleteIfExists(validatorFile);
    }

    /* A strong ETag (a weak one may not be used in If-Range), else Last-Modified, else null. */
    static String validatorOf(HttpHeaders headers) {
        String etag = headers.firstValue("ETag").map(String::strip).orElse("");
        if (etag.startsWith("\"")) return etag;
        return headers.firstValue("Last-Modified").map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    }
}
