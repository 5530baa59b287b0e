package io.flowcore.engine.infra;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.deployment.FlowCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Flow code downloaded from object storage, kept under a folder named by its SHA-256 so each version is
 * downloaded once, and verified before every use: a jar whose checksum is not the deployment's never runs.
 */
public final class CodeCache {
    private final Path root;

    /** @param root the folder the downloads are kept in (e.g. {@code $FLOWCORE_HOME/code}) */
    public CodeCache(Path root) {
        this.root = root;
    }

    /**
     * The jar of {@code code}, from the cache or downloaded from {@code storage}.
     *
     * @throws IllegalStateException naming the object when its checksum is not the deployment's
     */
    public List<Path> fetch(FlowCode code, ObjectStorageBlock storage) throws IOException {
        Path dir = root.resolve(code.sha256());
        String file = code.path().substring(code.path().lastIndexOf('/') + 1);
        Path jar = dir.resolve(file.isEmpty() ? "code.jar" : file);
        if (Files.isRegularFile(jar) && sha256(jar).equals(code.sha256())) return List.of(jar);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "download-", ".part");
        try {
            storage.download(code.path(), tmp);
            String actual = sha256(tmp);
            if (!actual.equals(code.sha256())) {
                throw new IllegalStateException("flow code '" + code.path() + "' in block '" + code.block() + "' has SHA-256 "
                        + actual + ", not the deployment's " + code.sha256() + ": it changed after the deployment was "
                        + "applied; apply the deployment again with --upload to store the new code");
            }
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.of(jar);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The SHA-256 of {@code file} in lowercase hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
