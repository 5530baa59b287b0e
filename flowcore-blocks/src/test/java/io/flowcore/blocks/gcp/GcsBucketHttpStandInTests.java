package io.flowcore.blocks.gcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.blocks.testing.Files2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GcsBucket through the real Storage client's HTTP path, against a stand-in: FakeGcsServer, a small
 * GCS JSON-API fake on loopback (no GCS server runs here).
 */
class GcsBucketHttpStandInTests {
    @TempDir
    Path dir;
    FakeGcsServer gcs;
    GcsBucket bucket;

    @BeforeEach
    void start() throws Exception {
        gcs = new FakeGcsServer();
        bucket = new GcsBucket("dtc-lake", "data", null, gcs.endpoint());
    }

    @AfterEach
    void stop() {
        bucket.close();
        gcs.close();
    }

    @Test
    void filesUploadThroughAResumableSessionAndComeBackWhole() throws Exception {
        Path f = Files2.random(dir.resolve("40mb.bin"), 40L << 20, 11);
        bucket.upload(f, "yellow/40mb.bin");
        assertEquals(List.of("bytes 0-41943039/41943040"), gcs.contentRanges, "one PUT streams the file from disk");
        assertArrayEquals(Files.readAllBytes(f), gcs.object("dtc-lake", "data/yellow/40mb.bin"));
        assertTrue(bucket.exists("yellow/40mb.bin"));
        assertEquals(List.of("yellow/40mb.bin"), bucket.list("yellow/"));
        assertEquals(Files2.sha256(f), Files2.sha256(bucket.download("yellow/40mb.bin", dir.resolve("back.bin"))));
        assertTrue(bucket.delete("yellow/40mb.bin"));
        assertFalse(bucket.exists("yellow/40mb.bin"));
    }

    @Test
    void anUploadBrokenHalfWayResumesFromWhatTheServerHasAndTheObjectIsWhole() throws Exception {
        Path f = Files2.random(dir.resolve("40mb.bin"), 40L << 20, 12);
        gcs.failPuts.add(1);
        bucket.upload(f, "retry.bin");
        assertEquals("bytes 0-41943039/41943040", gcs.contentRanges.get(0));
        assertTrue(gcs.contentRanges.contains("bytes 20971520-41943039/41943040"),
                "resumed from the 20 MiB the server acknowledged: " + gcs.contentRanges);
        assertArrayEquals(Files.readAllBytes(f), gcs.object("dtc-lake", "data/retry.bin"));
    }

    @Test
    void bytesCorruptedInTransitAreRefusedAndLeaveNoObject() throws Exception {
        Path f = Files2.random(dir.resolve("f.bin"), 1 << 20, 13);
        gcs.onReceive = b -> {
            byte[] c = b.clone();
            if (c.length > 0) c[c.length / 2] ^= 1;
            return c;
        };
        BlockException e = assertThrows(BlockException.class, () -> bucket.upload(f, "bad.bin"));
        assertTrue(e.getMessage().startsWith("gcs-bucket dtc-lake: upload of " + f + " to 'data/bad.bin' failed"), e.getMessage());
        assertEquals(List.of(), gcs.names());
    }
}
