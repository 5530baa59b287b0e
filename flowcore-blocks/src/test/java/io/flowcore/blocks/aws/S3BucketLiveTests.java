package io.flowcore.blocks.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.blocks.testing.Files2;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3Bucket against real AWS S3: runs only with FLOWCORE_AWS_LIVE=1, a bucket in FLOWCORE_AWS_S3_BUCKET
 * (region in AWS_REGION) and credentials from the SDK's default chain.
 */
class S3BucketLiveTests {
    @TempDir
    Path dir;

    @Test
    void multipartUploadRoundTripsOnRealS3() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("FLOWCORE_AWS_LIVE")),
                "live S3 test skipped: set FLOWCORE_AWS_LIVE=1, FLOWCORE_AWS_S3_BUCKET, AWS_REGION and AWS credentials");
        String bucket = System.getenv("FLOWCORE_AWS_S3_BUCKET");
        Assumptions.assumeTrue(bucket != null && !bucket.isBlank(), "live S3 test skipped: FLOWCORE_AWS_S3_BUCKET is not set");
        try (S3Bucket s3 = new S3Bucket(bucket, "flowcore-live-" + UUID.randomUUID(), System.getenv("AWS_REGION"), null, null, null)) {
            Path f = Files2.random(dir.resolve("f.bin"), 20 << 20, 9);
            s3.upload(f, "f.bin");
            assertTrue(s3.exists("f.bin"));
            assertEquals(Files2.sha256(f), Files2.sha256(s3.download("f.bin", dir.resolve("back.bin"))));
            assertTrue(s3.delete("f.bin"));
            assertFalse(s3.exists("f.bin"));
        }
    }
}
