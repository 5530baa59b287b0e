package io.flowcore.engine.internal.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates the store's files and folders readable by their owner only: the database, its journals and
 * quarantine files hold run parameters, results and log lines. On a file system without POSIX
 * permissions the defaults apply.
 */
final class OwnerOnly {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly() {
    }

    /** Creates {@code dir} and its missing parents; the folders this call creates are 700. */
    static void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) return;
        Path parent = abs.getParent();
        if (parent != null) createDirectories(parent);
        try {
            if (POSIX) Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            else Files.createDirectory(abs);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(abs)) throw raced;
        }
    }

    /** Creates an empty file that is 600; does nothing when it exists. */
    static void createFile(Path file) throws IOException {
        try {
            if (POSIX) Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            else Files.createFile(file);
        } catch (FileAlreadyExistsException exists) {
            // keep it as it is
        }
    }
}
