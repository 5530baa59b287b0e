package io.flowcore.blocks.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.engine.Blocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLakeTests {
    @TempDir
    Path dir;

    @Test
    void uploadsListsDownloadsAndDeletesFilesAndFolders() throws Exception {
        ObjectStorageBlock lake = LocalLake.at(dir.resolve("lake"));
        Path src = Files.createDirectories(dir.resolve("src/yellow"));
        Files.writeString(src.resolve("2021-01.csv"), "a,b\n1,2\n");
        Files.writeString(Files.createDirectories(src.resolve("sub")).resolve("x.txt"), "x");
        assertEquals(List.of("data/yellow/2021-01.csv", "data/yellow/sub/x.txt"), lake.uploadFolder(src, "data/yellow"));
        assertEquals(List.of("data/yellow/2021-01.csv", "data/yellow/sub/x.txt"), lake.list("data/"));
        assertTrue(lake.exists("data/yellow/2021-01.csv"));
        List<Path> got = lake.downloadFolder("data/yellow", dir.resolve("out"));
        assertEquals(List.of(dir.resolve("out/2021-01.csv"), dir.resolve("out/sub/x.txt")), got);
        assertArrayEquals(Files.readAllBytes(src.resolve("2021-01.csv")), Files.readAllBytes(got.get(0)));
        assertTrue(lake.delete("data/yellow/sub/x.txt"));
        assertFalse(lake.delete("data/yellow/sub/x.txt"));
        assertFalse(lake.exists("data/yellow/sub/x.txt"));
    }

    @Test
    void keysCannotEscapeTheLake() {
        LocalLake lake = LocalLake.at(dir.resolve("lake"));
        for (String bad : List.of("../x", "/etc/passwd", "a/../../x", "")) {
            assertThrows(BlockException.class, () -> lake.exists(bad), bad);
        }
    }

    @Test
    void anOverwriteIsAtomicAndLeavesNoTempFiles() throws Exception {
        LocalLake lake = LocalLake.at(dir.resolve("lake"));
        Path f = Files.writeString(dir.resolve("f"), "one");
        lake.upload(f, "k");
        Files.writeString(f, "two");
        lake.upload(f, "k");
        assertEquals("two", Files.readString(dir.resolve("lake/k")));
        try (var s = Files.list(dir.resolve("lake"))) {
            assertEquals(List.of(dir.resolve("lake/k")), s.toList());
        }
    }

    @Test
    void aFailedUploadLeavesThePreviousObject() throws Exception {
        LocalLake lake = LocalLake.at(dir.resolve("lake"));
        lake.upload(Files.writeString(dir.resolve("f"), "one"), "k");
        assertThrows(BlockException.class, () -> lake.upload(dir.resolve("missing"), "k"));
        assertEquals("one", Files.readString(dir.resolve("lake/k")));
        assertEquals(List.of("k"), lake.list(""));
    }

    @Test
    void savesAndLoadsAsABlock() {
        try (Blocks blocks = Blocks.open(dir.resolve("home"))) {
            blocks.save("lake", LocalLake.at(dir.resolve("lake")));
            assertEquals(LocalLake.at(dir.resolve("lake")), blocks.load("lake", LocalLake.class));
            assertTrue(blocks.types().containsKey("local-lake"));
        }
    }
}
