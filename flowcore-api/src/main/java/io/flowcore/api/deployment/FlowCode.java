package io.flowcore.api.deployment;

import java.util.Objects;

/**
 * Where a deployment's flow code is kept, so the machine that runs it need not have it installed (Prefect's
 * storage blocks): a jar, or a folder of jars, in an object-storage block, with its SHA-256. The
 * {@code process} and {@code docker} infrastructures download it (cached by checksum) and verify it before
 * a run starts; a mismatch fails the run naming the object.
 *
 * @param block  the name of a saved object-storage block (e.g. a {@code LocalLake}, S3 or Azure bucket)
 * @param path   the jar's (or the folder's) path in that block
 * @param sha256 the jar's SHA-256 in hex; for a folder, the SHA-256 of its manifest
 *               ({@code <sha256>  <name>} lines of its jars, sorted by name)
 */
public record FlowCode(String block, String path, String sha256) {
    public FlowCode {
        Objects.requireNonNull(block, "code block");
        Objects.requireNonNull(path, "code path");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("code sha256 must be 64 lowercase hex digits: '" + sha256 + "'");
        }
    }
}
