package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.BlockException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/*
 * Where the blocks key comes from: the environment variable FLOWCORE_BLOCKS_KEY (base64) if set, else a
 * key file (default <home>/blocks.key).
 *
 * Creation: only create() makes a key, and BlockCatalog calls it only when the store holds no block
 * saved under any key: a lost key is an error, never silently replaced. The file is written to a temp
 * file (owner-only), fsynced, hard-linked to its name and the folder fsynced, so a power loss leaves
 * either no key file or a complete one. A link instead of a rename: a link never replaces, so when
 * another process created the key first, we use theirs.
 *
 * Rotation (file keys only): the new key is first written the same way to "<file>.next"; blocks are
 * then re-saved under it one by one, and at the end "<file>.next" is renamed over the key file. While
 * "<file>.next" exists both keys are known (byId), so blocks already rotated keep loading and an
 * interrupted rotation can be resumed. A key from the environment cannot be replaced by flowcore: the
 * rotating process adopts the new key in memory and the operator updates FLOWCORE_BLOCKS_KEY.
 */
final class BlocksKey {
    static final String ENV = "FLOWCORE_BLOCKS_KEY";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Map<String, String> env;
    private final Path file;
    private final FileSync sync;
    private BlockKey current;

    BlocksKey(Map<String, String> env, Path file) {
        this(env, file, FileSync.SYSTEM);
    }

    BlocksKey(Map<String, String> env, Path file, FileSync sync) {
        this.env = env;
        this.file = file;
        this.sync = sync;
    }

    /** Where the key comes from, for messages (never the key itself). */
    String source() {
        return fromEnvironment() ? "environment variable " + ENV : "key file " + file;
    }

    boolean fromEnvironment() {
        String v = env.get(ENV);
        return v != null && !v.isBlank();
    }

    Path file() {
        return file;
    }

    /** True when there is a key to read (environment or file). */
    synchronized boolean exists() {
        return current != null || fromEnvironment() || Files.exists(file);
    }

    /** The current key; fails, naming both places to put it, when there is none. */
    synchronized BlockKey current() {
        if (current != null) return current;
        if (fromEnvironment()) return current = BlockKey.decode(env.get(ENV), "environment variable " + ENV);
        if (!Files.exists(file)) {
            throw new BlockException("no blocks key: set " + ENV + " (base64 of 32 bytes) or restore the key file "
                    + file + " that the blocks were saved with");
        }
        return current = readFile(file);
    }

    /** Creates the key file (the caller checked that no block is saved under another key). */
    synchronized BlockKey create() {
        if (exists()) return current();
        BlockKey k = BlockKey.generate();
        return current = writeNew(file, k);
    }

    /** The key of an unfinished rotation ({@code <file>.next}), if any. */
    synchronized Optional<BlockKey> pending() {
        Path next = nextFile();
        return fromEnvironment() || !Files.exists(next) ? Optional.empty() : Optional.of(readFile(next));
    }

    /** The current or pending key with this id. */
    synchronized Optional<BlockKey> byId(String id) {
        if (!exists()) return Optional.empty();
        if (current().id().equals(id)) return Optional.of(current());
        return pending().filter(k -> k.id().equals(id));
    }

    /** Makes {@code next} the pending key (file keys: written durably to {@code <file>.next}). */
    synchronized BlockKey startRotation(BlockKey next) {
        if (fromEnvironment()) return next;
        BlockKey written = writeNew(nextFile(), next);
        if (!written.id().equals(next.id())) {
            throw new BlockException("an unfinished key rotation to key id " + written.id() + " is pending in "
                    + nextFile() + ": run rotate-key without a new key to finish it first");
        }
        return written;
    }

    /** Makes {@code next} the current key: renames {@code <file>.next} over the key file (file keys). */
    synchronized void finishRotation(BlockKey next) {
        if (!fromEnvironment()) {
            try {
                Files.move(nextFile(), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                sync.force(folder(file));
            } catch (IOException e) {
                throw new BlockException("every block is saved under key id " + next.id() + ", but " + nextFile()
                        + " could not be renamed to " + file + " (" + e.getMessage() + "): rename it by hand", e);
            }
        }
        current = next;
    }

    private Path nextFile() {
        return file.resolveSibling(file.getFileName() + ".next");
    }

    private static Path folder(Path p) {
        return p.toAbsolutePath().getParent();
    }

    private BlockKey readFile(Path p) {
        try {
            checkOwnerOnly(p);
            return BlockKey.decode(Files.readString(p, StandardCharsets.US_ASCII), "key file " + p);
        } catch (IOException e) {
            throw new BlockException("cannot read the blocks key file " + p + ": " + e.getMessage(), e);
        }
    }

    private static void checkOwnerOnly(Path p) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        if (view == null) return;
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new BlockException("the blocks key file " + p + " is readable by others ("
                    + PosixFilePermissions.toString(perms) + "): run chmod 600 " + p);
        }
    }

    /* Temp file (600) → write → fsync → link to its name → fsync the folder; an existing file wins. */
    private BlockKey writeNew(Path target, BlockKey k) {
        try {
            Path dir = folder(target);
            Files.createDirectories(dir);
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                    + "-" + Thread.currentThread().threadId());
            Files.deleteIfExists(tmp);
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(tmp);
            }
            try {
                Files.writeString(tmp, k.base64() + "\n", StandardCharsets.US_ASCII);
                sync.force(tmp);
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return readFile(target);
            } finally {
                Files.deleteIfExists(tmp);
            }
            sync.force(dir);
            return k;
        } catch (IOException e) {
            throw new BlockException("cannot create the blocks key file " + target + ": " + e.getMessage(), e);
        }
    }
}
