package io.flowcore.blocks.gcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.blocks.testing.Files2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GcsBucket against real Google Cloud Storage: runs only with FLOWCORE_GCP_LIVE=1, a bucket in
 * FLOWCORE_GCS_BUCKET and application-default credentials (e.g. GOOGLE_APPLICATION_CREDENTIALS).
 */
class GcsBucketLiveTests {
    @TempDir
    Path dir;

    @Test
    void resumableUploadOfTwentyMegabytesRoundTrips() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("FLOWCORE_GCP_LIVE")),
                "live GCS test skipped: set FLOWCORE_GCP_LIVE=1, FLOWCORE_GCS_BUCKET and application-default credentials");
        String bucket = System.getenv("FLOWCORE_GCS_BUCKET");
        Assumptions.assumeTrue(bucket != null && !bucket.isBlank(), "live GCS test skipped: FLOWCORE_GCS_BUCKET is not set");
        try (GcsBucket gcs = new GcsBucket(bucket, "flowcore-live-" + UUID.randomUUID(), null, null)) {
            Path f = Files2.random(dir.resolve("f.bin"), 20 << 20, 7);
            gcs.upload(f, "f.bin");
            assertTrue(gcs.exists("f.bin"));
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(gcs.download("f.bin", dir.resolve("back.bin"))));
            assertTrue(gcs.delete("f.bin"));
            assertFalse(gcs.exists("f.bin"));
        }
    }
}
