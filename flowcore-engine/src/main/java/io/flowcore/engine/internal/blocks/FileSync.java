package io.flowcore.engine.internal.blocks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/* Forces a file's or a folder's contents to the disk (fsync). A seam so tests can record the calls. */
interface FileSync {
    void force(Path fileOrFolder) throws IOException;

    /** fsync through a channel opened for reading: works for regular files and, on Linux, for folders. */
    FileSync SYSTEM = p -> {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
            c.force(true);
        }
    };
}
