package io.flowcore.blocks.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.testing.AwsCli;
import io.flowcore.blocks.testing.CapturedOutput;
import io.flowcore.blocks.testing.Files2;
import io.flowcore.engine.testing.TestInfra;
import io.flowcore.engine.Blocks;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.transfer.s3.model.FileUpload;

/**
 * S3Bucket against the real S3-compatible server S3Mock (started by .ci/test-infra.sh), with
 * read-backs through Debian's awscli, an independent client.
 */
class S3BucketS3MockTests {
    @TempDir
    Path dir;
    String bucketName;
    String prefix;
    S3Bucket bucket;
    AwsCli aws;
    String secretKey;

    @BeforeEach
    void loadBlock() {
        bucketName = TestInfra.require("FLOWCORE_S3_BUCKET");
        secretKey = TestInfra.require("FLOWCORE_S3_SECRET_KEY");
        aws = new AwsCli();
        prefix = "blocks-test-" + UUID.randomUUID();
        try (Blocks blocks = Blocks.open(dir.resolve("home"))) {
            blocks.save("s3-creds", AwsCredentials.of(TestInfra.require("FLOWCORE_S3_ACCESS_KEY"), Secret.of(secretKey)));
            blocks.save("s3", new S3Bucket(bucketName, prefix, TestInfra.require("FLOWCORE_S3_REGION"),
                    TestInfra.require("FLOWCORE_S3_ENDPOINT"), true, BlockRef.named("s3-creds")));
            bucket = blocks.load("s3", S3Bucket.class);
        }
    }

    @AfterEach
    void cleanUp() {
        if (bucket == null) return;
        for (String k : bucket.list("")) bucket.delete(k);
        bucket.close();
    }

    /** The keys under {@code prefix} as listed by the awscli ("None" when there are none). */
    String cliKeys(String under) {
        return aws.run("s3api", "list-objects-v2", "--bucket", bucketName, "--prefix", prefix + "/" + under,
                "--query", "Contents[].Key", "--output", "text");
    }

    String s3(String key) {
        return "s3://" + bucketName + "/" + prefix + "/" + key;
    }

    @Test
    void multipartUploadIsReadBackByTheAwsCliAndDownloadsIdentically() throws Exception {
        Path f = Files2.random(dir.resolve("20mb.bin"), 20L << 20, 1);
        bucket.upload(f, "raw/20mb.bin");
        Path viaCli = dir.resolve("cli.bin");
        aws.run("s3", "cp", s3("raw/20mb.bin"), viaCli.toString(), "--only-show-errors");
        assertEquals(Files2.sha256(f), Files2.sha256(viaCli));
        String head = aws.run("s3api", "head-object", "--bucket", bucketName, "--key", prefix + "/raw/20mb.bin");
        assertTrue(head.contains("-3\\\""), "uploaded in 3 parts of 8 MiB: " + head);

        Path down = bucket.download("raw/20mb.bin", dir.resolve("down/20mb.bin"));
        assertEquals(Files2.sha256(f), Files2.sha256(down));
        assertTrue(bucket.exists("raw/20mb.bin"));
        assertFalse(bucket.exists("raw/nope.bin"));
        assertEquals(List.of("raw/20mb.bin"), bucket.list("raw/"));
        assertTrue(bucket.delete("raw/20mb.bin"));
        assertFalse(bucket.delete("raw/20mb.bin"));
        assertFalse(cliKeys("raw/").contains("20mb.bin"));
    }

    @Test
    void foldersGoUpAndComeBackWithTheirLayout() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/a/b"));
        Files.writeString(src.resolve("one.csv"), "1");
        Files.writeString(dir.resolve("src/a/two.csv"), "22");
        assertEquals(List.of("data/a/b/one.csv", "data/a/two.csv"), bucket.uploadFolder(dir.resolve("src"), "data"));
        assertTrue(cliKeys("data/").contains(prefix + "/data/a/b/one.csv"));
        List<Path> got = bucket.downloadFolder("data", dir.resolve("out"));
        assertEquals(List.of(dir.resolve("out/a/b/one.csv"), dir.resolve("out/a/two.csv")), got);
        assertEquals("22", Files.readString(dir.resolve("out/a/two.csv")));
    }

    /**
     * PUTs or DELETEs {@code key} under the test prefix exactly as named, over plain HTTP (S3Mock does not
     * check signatures): the Java SDK sends {@code //} as {@code /%2F}, which S3Mock refuses.
     */
    int raw(String method, String key) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(bucket.endpoint() + "/" + bucketName + "/" + prefix + "/" + key))
                .method(method, method.equals("PUT") ? java.net.http.HttpRequest.BodyPublishers.ofString("x")
                        : java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        return http.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void objectKeysWithDotDotOrDoubleSlashFailTheFolderDownloadBeforeAnyFileIsWritten() throws Exception {
        String escape = "flowcore-escape-" + UUID.randomUUID();
        List<String> keys = List.of("data/-first.txt", "data/../../" + escape, "data//tmp/" + escape);
        var s3 = S3Clients.of(bucket).sync();
        for (String key : keys.subList(0, 2)) {
            s3.putObject(r -> r.bucket(bucketName).key(prefix + "/" + key), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        }
        assertEquals(200, raw("PUT", keys.get(2)));
        try {
            assertEquals(keys, bucket.list("data/"), "S3 keeps the odd keys as they are");
            Path out = Files.createDirectories(dir.resolve("a/b/out"));
            BlockException e = assertThrows(BlockException.class, () -> bucket.downloadFolder("data/", out));
            assertTrue(e.getMessage().contains("refusing object key '../../" + escape + "': it has a '..' path segment"),
                    e.getMessage());
            try (var files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), "not even the good object was written");
            }
            assertFalse(Files.exists(dir.resolve("a/" + escape)));
            assertFalse(Files.exists(Path.of("/tmp", escape)));

            bucket.delete(keys.get(1));
            e = assertThrows(BlockException.class, () -> bucket.downloadFolder("data", out));
            assertTrue(e.getMessage().contains("refusing object key '/tmp/" + escape + "': it starts with '/'"), e.getMessage());
            assertFalse(Files.exists(Path.of("/tmp", escape)));
        } finally {
            raw("DELETE", keys.get(2));
        }
    }

    @Test
    void twoHundredMegabytesUploadWithBoundedHeap() throws Exception {
        Path f = Files2.random(dir.resolve("200mb.bin"), 200L << 20, 2);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = mem.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            bucket.upload(f, "big/200mb.bin");
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        long grewMb = (peak.get() - before) >> 20;
        assertTrue(grewMb < 100, "heap grew by " + grewMb + " MiB while uploading 200 MiB");
        String head = aws.run("s3api", "head-object", "--bucket", bucketName, "--key", prefix + "/big/200mb.bin");
        assertTrue(head.contains("\"ContentLength\": " + (200L << 20)), head);
        Path back = dir.resolve("back.bin");
        aws.run("s3", "cp", s3("big/200mb.bin"), back.toString(), "--only-show-errors");
        assertEquals(Files2.sha256(f), Files2.sha256(back));
    }

    @Test
    void aFailedUploadLeavesNoPartialObjectAndItsRetrySucceeds() throws Exception {
        Path f = Files2.random(dir.resolve("64mb.bin"), 64L << 20, 3);
        FileUpload up = bucket.startUpload(f, "retry/64mb.bin");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (up.progress().snapshot().transferredBytes() < (8L << 20) && System.nanoTime() < deadline) Thread.sleep(2);
        up.completionFuture().cancel(true);
        Thread.sleep(500);
        assertFalse(bucket.exists("retry/64mb.bin"), "no object after a failed upload");
        assertFalse(cliKeys("retry/").contains("64mb.bin"));
        String pending = aws.run("s3api", "list-multipart-uploads", "--bucket", bucketName, "--prefix", prefix + "/retry/");
        assertFalse(pending.contains("UploadId"), "the cancelled multipart upload was aborted, no parts kept: " + pending);

        bucket.upload(f, "retry/64mb.bin");
        Path back = dir.resolve("back.bin");
        aws.run("s3", "cp", s3("retry/64mb.bin"), back.toString(), "--only-show-errors");
        assertEquals(Files2.sha256(f), Files2.sha256(back));
    }

    @Test
    void errorsNameTheBucketAndKeyAndSecretsNeverPrint() throws Exception {
        String distinct = "sk-" + UUID.randomUUID();   // S3Mock does not check signatures: any secret works
        S3Bucket withSecret = new S3Bucket(bucketName, prefix, bucket.region(), bucket.endpoint(), true,
                BlockRef.of("c", AwsCredentials.of("AKIDFLOWCORETEST", Secret.of(distinct))));
        try (CapturedOutput out = new CapturedOutput()) {   // every logger at DEBUG, SDK included
            Path f = Files2.random(dir.resolve("small.bin"), 1000, 4);
            withSecret.upload(f, "x/small.bin");
            assertTrue(withSecret.exists("x/small.bin"));
            BlockException e = assertThrows(BlockException.class, () -> withSecret.download("x/missing.bin", dir.resolve("m")));
            assertTrue(e.getMessage().startsWith("s3-bucket " + bucketName + ": download of '" + prefix + "/x/missing.bin'"),
                    e.getMessage());
            S3Bucket other = new S3Bucket("no-such-bucket-" + UUID.randomUUID(), null, bucket.region(), bucket.endpoint(), true,
                    withSecret.credentials());
            BlockException e2 = assertThrows(BlockException.class, () -> other.upload(f, "k"));
            other.close();
            withSecret.close();
            String all = out.all() + e + e2 + withSecret + withSecret.credentials().get();
            assertTrue(withSecret.credentials().get().toString().contains("secretAccessKey=********"));
            assertTrue(out.all().contains("DEBUG"), "the SDK did log");
            assertFalse(all.contains(distinct), all);
        }
    }
}
