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
    void aLinkedFileInsideTheLakeIsRefusedOnListDownloadAndFolderDownloadAndNothingIsWritten() throws Exception {
        LocalLake lake = LocalLake.at(dir.resolve("lake"));
        lake.upload(Files.writeString(dir.resolve("f"), "one"), "data/a.txt");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "outside the lake");
        Files.createSymbolicLink(dir.resolve("lake/data/b.txt"), secret);

        BlockException e = assertThrows(BlockException.class, () -> lake.list("data/"));
        assertTrue(e.getMessage().contains("'data/b.txt' is a symbolic link (to " + secret + ")"), e.getMessage());
        e = assertThrows(BlockException.class, () -> lake.download("data/b.txt", dir.resolve("copy.txt")));
        assertTrue(e.getMessage().contains("refusing key 'data/b.txt': 'data/b.txt' is a symbolic link"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("copy.txt")));
        assertThrows(BlockException.class, () -> lake.downloadFolder("data", dir.resolve("out")));
        assertFalse(Files.exists(dir.resolve("out")), "nothing was downloaded");
    }

    @Test
    void aLinkedFolderInsideTheLakeIsNeverWrittenThrough() throws Exception {
        LocalLake lake = LocalLake.at(dir.resolve("lake"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(dir.resolve("lake"));
        Files.createSymbolicLink(dir.resolve("lake/data"), outside);
        Path f = Files.writeString(dir.resolve("f"), "one");
        BlockException e = assertThrows(BlockException.class, () -> lake.upload(f, "data/yellow/x.parquet"));
        assertTrue(e.getMessage().contains("refusing key 'data/yellow/x.parquet': 'data' is a symbolic link (to " + outside + ")"),
                e.getMessage());
        assertThrows(BlockException.class, () -> lake.exists("data/x"));
        assertThrows(BlockException.class, () -> lake.delete("data/x"));
        try (var s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing was written outside the lake");
        }
    }

    @Test
    void theLakesOwnFolderMayBeALink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real-lake"));
        LocalLake lake = LocalLake.at(Files.createSymbolicLink(dir.resolve("lake"), real));
        lake.upload(Files.writeString(dir.resolve("f"), "one"), "data/a.txt");
        assertEquals(List.of("data/a.txt"), lake.list(""));
        assertEquals("one", Files.readString(lake.download("data/a.txt", dir.resolve("back.txt"))));
    }

    @Test
    void uploadingAFolderThatHoldsALinkIsRefusedNamingItBeforeAnythingIsUploaded() throws Exception {
        LocalLake lake = LocalLake.at(dir.resolve("lake"));
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.csv"), "1");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "outside the folder");
        Files.createSymbolicLink(src.resolve("b.csv"), secret);
        BlockException e = assertThrows(BlockException.class, () -> lake.uploadFolder(src, "up"));
        assertTrue(e.getMessage().contains(src.resolve("b.csv") + " is a symbolic link (to " + secret + ")"), e.getMessage());
        assertEquals(List.of(), lake.list(""), "nothing was uploaded");

        Files.delete(src.resolve("b.csv"));
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("key.json"), "{}");
        Files.createSymbolicLink(src.resolve("more"), secrets);
        e = assertThrows(BlockException.class, () -> lake.uploadFolder(src, "up"));
        assertTrue(e.getMessage().contains(src.resolve("more") + " is a symbolic link"), e.getMessage());
        assertEquals(List.of(), lake.list(""));
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
            // loaded by the capability it implements, whichever type it was saved as
            assertEquals(LocalLake.at(dir.resolve("lake")), blocks.load("lake", io.flowcore.api.block.ObjectStorageBlock.class));
            var notStorage = org.junit.jupiter.api.Assertions.assertThrows(io.flowcore.api.block.BlockException.class,
                    () -> blocks.load("lake", io.flowcore.api.block.NotifierBlock.class));
            assertTrue(notStorage.getMessage().contains("block 'lake' is a LocalLake, which is not a NotifierBlock"),
                    notStorage.getMessage());
        }
    }
}
