package io.flowcore.engine.blocks;

import io.flowcore.api.block.BlockException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/*
 * Where the 256-bit AES key for block secrets comes from: the environment variable FLOWCORE_BLOCKS_KEY
 * (base64) if set, else a key file (default <home>/blocks.key). The file is created, with owner-only
 * permissions, only when a secret is first encrypted; reading secrets never creates a key, so a
 * missing key is an error instead of a fresh key that decrypts nothing.
 */
final class BlocksKey {
    static final String ENV = "FLOWCORE_BLOCKS_KEY";
    private static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Map<String, String> env;
    private final Path file;
    private SecretKey key;

    BlocksKey(Map<String, String> env, Path file) {
        this.env = env;
        this.file = file;
    }

    /** Where the key comes from, for error messages (never the key itself). */
    String source() {
        String v = env.get(ENV);
        return v != null && !v.isBlank() ? "environment variable " + ENV : "key file " + file;
    }

    /** The key for encrypting: created (file) when there is none yet. */
    synchronized SecretKey forEncrypt() {
        if (key == null) key = read(true);
        return key;
    }

    /** The key for decrypting: must already exist. */
    synchronized SecretKey forDecrypt() {
        if (key == null) key = read(false);
        return key;
    }

    private SecretKey read(boolean create) {
        String v = env.get(ENV);
        if (v != null && !v.isBlank()) return decode(v.trim(), "environment variable " + ENV);
        try {
            if (Files.exists(file)) {
                checkOwnerOnly();
                return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), "key file " + file);
            }
            if (!create) {
                throw new BlockException("no blocks key: set " + ENV + " (base64 of 32 bytes) or restore the key file "
                        + file + " that the blocks were saved with");
            }
            return createFile();
        } catch (IOException e) {
            throw new BlockException("cannot read or create the blocks key file " + file + ": " + e.getMessage(), e);
        }
    }

    private SecretKey decode(String base64, String where) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new BlockException("the blocks key in " + where + " is not valid base64");
        }
        if (raw.length != KEY_BYTES) {
            throw new BlockException("the blocks key in " + where + " must be 32 bytes (256 bits) in base64; it has "
                    + raw.length + " bytes");
        }
        return new SecretKeySpec(raw, "AES");
    }

    private void checkOwnerOnly() throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) return;
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new BlockException("the blocks key file " + file + " is readable by others ("
                    + PosixFilePermissions.toString(perms) + "): run chmod 600 " + file);
        }
    }

    private SecretKey createFile() throws IOException {
        byte[] raw = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(raw);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(tmp);
        }
        try {
            Files.writeString(tmp, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
            // A hard link never replaces an existing file (a rename would): when another process
            // created the key first, use theirs.
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            return read(false);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
