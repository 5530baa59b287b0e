package io.flowcore.blocks.gcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.flowcore.api.block.BlockException;
import io.flowcore.blocks.testing.Files2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GcsBucket's object operations against a stand-in: google-cloud-nio's in-memory fake of the Storage
 * client (no GCS server runs here). It exercises the operations and the checksum checks, not the
 * HTTP protocol (resumable sessions, retries, auth); see GcsBucketLiveTests for real GCS.
 */
class GcsBucketStandInTests {
    @TempDir
    Path dir;
    Storage storage;
    GcsObjects lake;

    @BeforeEach
    void fake() {
        storage = LocalStorageHelper.getOptions().getService();
        lake = new GcsObjects(storage, "dtc-lake", "data");
    }

    @Test
    void uploadsUnderTheBaseFolderAndDownloadsVerified() throws Exception {
        Path f = Files2.random(dir.resolve("f.bin"), 5 << 20, 1);
        assertEquals("yellow/2021-01.parquet", lake.upload(f, "yellow/2021-01.parquet"));
        assertTrue(storage.get(BlobId.of("dtc-lake", "data/yellow/2021-01.parquet")) != null, "stored under the base folder");
        assertTrue(lake.exists("yellow/2021-01.parquet"));
        assertFalse(lake.exists("yellow/2021-02.parquet"));
        assertEquals(List.of("yellow/2021-01.parquet"), lake.list("yellow/"));
        Path back = lake.download("yellow/2021-01.parquet", dir.resolve("out/back.bin"));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back));
        assertTrue(lake.delete("yellow/2021-01.parquet"));
        assertFalse(lake.delete("yellow/2021-01.parquet"));
        assertEquals(List.of(), lake.list(""));
    }

    @Test
    void foldersGoUpAndComeBack() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("src/a/b")).resolve("one.csv"), "1");
        Files.writeString(dir.resolve("src/a/two.csv"), "22");
        assertEquals(List.of("up/a/b/one.csv", "up/a/two.csv"), lake.uploadFolder(dir.resolve("src"), "up"));
        assertEquals(List.of(dir.resolve("out/a/b/one.csv"), dir.resolve("out/a/two.csv")), lake.downloadFolder("up", dir.resolve("out")));
        assertEquals("22", Files.readString(dir.resolve("out/a/two.csv")));
    }

    @Test
    void objectNamesWithDotDotOrDoubleSlashFailTheFolderDownloadBeforeAnyFileIsWritten() throws Exception {
        String escape = "flowcore-escape-" + java.util.UUID.randomUUID();
        storage.create(BlobInfo.newBuilder("dtc-lake", "data/up/!first.txt").build(), "1".getBytes());
        storage.create(BlobInfo.newBuilder("dtc-lake", "data/up/../../" + escape).build(), "2".getBytes());
        Path out = Files.createDirectories(dir.resolve("a/b/out"));
        BlockException e = assertThrows(BlockException.class, () -> lake.downloadFolder("up", out));
        assertTrue(e.getMessage().contains("refusing object key '../../" + escape + "': it has a '..' path segment"), e.getMessage());
        storage.delete(BlobId.of("dtc-lake", "data/up/../../" + escape));
        storage.create(BlobInfo.newBuilder("dtc-lake", "data/up//tmp/" + escape).build(), "3".getBytes());
        e = assertThrows(BlockException.class, () -> lake.downloadFolder("up", out));
        assertTrue(e.getMessage().contains("refusing object key '/tmp/" + escape + "': it starts with '/'"), e.getMessage());
        try (var s = Files.list(out)) {
            assertEquals(List.of(), s.toList(), "not even the good object was written");
        }
        assertFalse(Files.exists(dir.resolve("a/" + escape)));
        assertFalse(Files.exists(Path.of("/tmp", escape)));
    }

    @Test
    void uploadingAFolderThatHoldsALinkIsRefusedNamingIt() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.csv"), "1");
        Files.createSymbolicLink(src.resolve("b.csv"), Files.writeString(dir.resolve("secret"), "s"));
        BlockException e = assertThrows(BlockException.class, () -> lake.uploadFolder(src, "up"));
        assertTrue(e.getMessage().contains(src.resolve("b.csv") + " is a symbolic link"), e.getMessage());
        assertEquals(List.of(), lake.list(""));
    }

    @Test
    void aDownloadWhoseChecksumDoesNotMatchIsRefusedAndWritesNothing() throws Exception {
        Path f = Files2.random(dir.resolve("f.bin"), 1000, 2);
        Path other = Files2.random(dir.resolve("other.bin"), 1000, 3);
        lake.upload(f, "bad.bin");
        // The fake computes CRC32C itself, so a corrupted transfer is simulated by reporting other bytes' CRC32C.
        String wrong = GcsObjects.Checksums.of(other).crc32c();
        Storage lying = (Storage) java.lang.reflect.Proxy.newProxyInstance(Storage.class.getClassLoader(),
                new Class<?>[] {Storage.class}, (proxy, m, args) -> {
                    Object r = m.invoke(storage, args);
                    return m.getName().equals("get") && r instanceof com.google.cloud.storage.Blob b
                            ? b.toBuilder().setCrc32c(wrong).build() : r;
                });
        Path target = dir.resolve("target.bin");
        BlockException e = assertThrows(BlockException.class,
                () -> new GcsObjects(lying, "dtc-lake", "data").download("bad.bin", target));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertFalse(Files.exists(target));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".flowcore-tmp-")));
        }
    }

    @Test
    void missingObjectsAndBadKeysFailNamingTheBucket() {
        BlockException e = assertThrows(BlockException.class, () -> lake.download("nope", dir.resolve("x")));
        assertEquals("gcs-bucket dtc-lake: no object 'data/nope'", e.getMessage());
        assertThrows(BlockException.class, () -> lake.upload(dir.resolve("missing"), "k"));
        assertThrows(BlockException.class, () -> lake.exists("/abs"));
    }
}
