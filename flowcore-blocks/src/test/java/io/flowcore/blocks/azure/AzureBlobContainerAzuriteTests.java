package io.flowcore.blocks.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.testing.CapturedOutput;
import io.flowcore.blocks.testing.Files2;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.testing.TestInfra;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AzureBlobContainer against Azurite, Microsoft's Azure Storage server (started by .ci/test-infra.sh),
 * with what the block wrote read back through a plain SDK client that does not go through the block.
 */
class AzureBlobContainerAzuriteTests {
    static final String CONTAINER = "flowcore-test";

    @TempDir
    Path dir;
    String connectionString;
    String basePath;
    AzureBlobContainer lake;
    BlobContainerClient raw;

    @BeforeEach
    void loadBlock() {
        connectionString = TestInfra.require("FLOWCORE_AZURE_CONNECTION_STRING");
        BlobServiceClient service = new BlobServiceClientBuilder().connectionString(connectionString).buildClient();
        raw = service.getBlobContainerClient(CONTAINER);
        raw.createIfNotExists();
        basePath = "blocks-test-" + UUID.randomUUID();
        try (Blocks blocks = Blocks.open(dir.resolve("home"))) {
            blocks.save("azure-creds", AzureBlobStorageCredentials.connectionString(Secret.of(connectionString)));
            blocks.save("azure-lake", AzureBlobContainer.of(CONTAINER, basePath, "azure-creds"));
            lake = blocks.load("azure-lake", AzureBlobContainer.class);
        }
    }

    @AfterEach
    void cleanUp() {
        if (raw == null) return;
        for (BlobItem b : raw.listBlobs(new ListBlobsOptions().setPrefix(basePath + "/"), null)) {
            raw.getBlobClient(b.getName()).deleteIfExists();
        }
        if (lake != null) lake.close();
    }

    /** The blob names under this test's base path, as the plain client lists them. */
    List<String> rawNames() {
        List<String> names = new ArrayList<>();
        for (BlobItem b : raw.listBlobs(new ListBlobsOptions().setPrefix(basePath + "/"), null)) names.add(b.getName());
        return names;
    }

    static byte[] md5(Path f) throws Exception {
        return MessageDigest.getInstance("MD5").digest(Files.readAllBytes(f));
    }

    @Test
    void aFileGoesUpInParallelBlocksWithItsMd5AndComesBackIdentical() throws Exception {
        Path f = Files2.random(dir.resolve("20mb.bin"), 20L << 20, 1);
        assertEquals("raw/20mb.bin", lake.upload(f, "raw/20mb.bin"));

        var blob = raw.getBlobClient(basePath + "/raw/20mb.bin");
        assertEquals(20L << 20, blob.getProperties().getBlobSize());
        assertArrayEquals(md5(f), blob.getProperties().getContentMd5(), "the whole file's MD5 is the blob's Content-MD5");
        int blocks = blob.getBlockBlobClient().listBlocks(BlockListType.COMMITTED).getCommittedBlocks().size();
        assertEquals((int) ((20L << 20) / AzureBlobs.BLOCK_BYTES), blocks, "staged in blocks of " + AzureBlobs.BLOCK_BYTES);
        Path viaRaw = dir.resolve("raw.bin");
        blob.downloadToFile(viaRaw.toString());
        assertEquals(Files2.sha256(f), Files2.sha256(viaRaw));

        Path down = lake.download("raw/20mb.bin", dir.resolve("down/20mb.bin"));
        assertEquals(dir.resolve("down/20mb.bin"), down);
        assertEquals(Files2.sha256(f), Files2.sha256(down));
        try (var leftovers = Files.list(dir.resolve("down"))) {
            assertEquals(List.of(down), leftovers.toList(), "no temp file is left beside the download");
        }
    }

    @Test
    void listExistsAndDeleteSeeOnlyKeysBelowTheBasePath() throws Exception {
        Path f = Files.writeString(dir.resolve("one.csv"), "1");
        lake.upload(f, "b/2.csv");
        lake.upload(f, "a/1.csv");
        lake.upload(f, "c.csv");
        raw.getBlobClient("outside-" + basePath + ".csv").upload(BinaryData.fromString("x"), true);
        try {
            assertEquals(List.of("a/1.csv", "b/2.csv", "c.csv"), lake.list(""));
            assertEquals(List.of("a/1.csv"), lake.list("a/"));
            assertEquals(List.of(basePath + "/a/1.csv", basePath + "/b/2.csv", basePath + "/c.csv"), rawNames());
            assertTrue(lake.exists("a/1.csv"));
            assertFalse(lake.exists("a/2.csv"));
            assertTrue(lake.delete("a/1.csv"));
            assertFalse(lake.delete("a/1.csv"));
            assertFalse(raw.getBlobClient(basePath + "/a/1.csv").exists());
            assertEquals(List.of("b/2.csv", "c.csv"), lake.list(null));
        } finally {
            raw.getBlobClient("outside-" + basePath + ".csv").deleteIfExists();
        }
    }

    @Test
    void foldersGoUpAndComeBackWithTheirLayout() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/a/b"));
        Files.writeString(src.resolve("one.csv"), "1");
        Files.writeString(dir.resolve("src/a/two.csv"), "22");
        assertEquals(List.of("data/a/b/one.csv", "data/a/two.csv"), lake.uploadFolder(dir.resolve("src"), "data"));
        assertEquals(List.of(basePath + "/data/a/b/one.csv", basePath + "/data/a/two.csv"), rawNames());
        List<Path> got = lake.downloadFolder("data", dir.resolve("out"));
        assertEquals(List.of(dir.resolve("out/a/b/one.csv"), dir.resolve("out/a/two.csv")), got);
        assertEquals("22", Files.readString(dir.resolve("out/a/two.csv")));
        assertEquals("1", Files.readString(dir.resolve("out/a/b/one.csv")));
    }

    @Test
    void aKeyWithADotDotSegmentIsRefusedBeforeAnyRequest() throws Exception {
        Path f = Files.writeString(dir.resolve("x.csv"), "x");
        for (String bad : List.of("a/../b.csv", "../b.csv", "a/./b.csv", "a//b.csv", "/b.csv", "a\\b.csv", "")) {
            BlockException up = assertThrows(BlockException.class, () -> lake.upload(f, bad), bad);
            assertTrue(up.getMessage().startsWith("azure-blob-container " + CONTAINER + ": refusing blob name '" + bad + "'"),
                    up.getMessage());
            assertThrows(BlockException.class, () -> lake.download(bad, dir.resolve("d.csv")), bad);
            assertThrows(BlockException.class, () -> lake.exists(bad), bad);
            assertThrows(BlockException.class, () -> lake.delete(bad), bad);
        }
        assertEquals(List.of(), rawNames(), "nothing was written");
        assertFalse(Files.exists(dir.resolve("d.csv")));
    }

    @Test
    void downloadFolderChecksEveryKeyBeforeItWritesAnyFile() throws Exception {
        // Written with the plain client, as another tool could: a name whose empty segment would merge with data/x.csv.
        raw.getBlobClient(basePath + "/data/a.csv").upload(BinaryData.fromString("a"), true);
        raw.getBlobClient(basePath + "/data/sub//x.csv").upload(BinaryData.fromString("x"), true);
        assertEquals(List.of("data/a.csv", "data/sub//x.csv"), lake.list("data/"), "Azurite kept the name as written");

        BlockException e = assertThrows(BlockException.class, () -> lake.downloadFolder("data", dir.resolve("out")));
        assertTrue(e.getMessage().startsWith("azure-blob-container: refusing object key 'sub//x.csv'"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out/a.csv")), "the valid key was not downloaded either");
    }

    @Test
    void aCancelledUploadLeavesNoBlobAndItsRetrySucceeds() throws Exception {
        Path f = Files2.random(dir.resolve("64mb.bin"), 64L << 20, 3);
        CountDownLatch underway = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread uploader = Thread.ofPlatform().start(() -> {
            try {
                lake.upload(f, "retry/64mb.bin", sent -> {
                    if (sent >= AzureBlobs.BLOCK_BYTES) underway.countDown();
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        assertTrue(underway.await(60, TimeUnit.SECONDS), "the upload started");
        uploader.interrupt();
        uploader.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(uploader.isAlive(), "the interrupted upload returned");

        BlockException e = assertInstanceOf(BlockException.class, failure.get());
        assertTrue(e.getMessage().contains("upload of " + f + " to '" + basePath + "/retry/64mb.bin' was interrupted"),
                e.getMessage());
        assertFalse(lake.exists("retry/64mb.bin"), "no blob after a cancelled upload");
        assertEquals(List.of(), rawNames());

        lake.upload(f, "retry/64mb.bin");
        Path back = dir.resolve("back.bin");
        raw.getBlobClient(basePath + "/retry/64mb.bin").downloadToFile(back.toString());
        assertEquals(Files2.sha256(f), Files2.sha256(back));
    }

    @Test
    void aDownloadWhoseBytesDoNotMatchTheRecordedMd5IsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("rows.csv"), "1,2,3\n");
        lake.upload(f, "rows.csv");
        // Another writer changes the bytes but leaves a stale Content-MD5 behind.
        var blob = raw.getBlobClient(basePath + "/rows.csv");
        blob.upload(BinaryData.fromString("9,9,9\n"), true);
        blob.setHttpHeaders(new BlobHttpHeaders().setContentMd5(md5(f)));
        Path target = Files.writeString(dir.resolve("target.csv"), "previous");

        BlockException e = assertThrows(BlockException.class, () -> lake.download("rows.csv", target));
        assertTrue(e.getMessage().contains("download of '" + basePath + "/rows.csv' does not match its Content-MD5"),
                e.getMessage());
        assertEquals("previous", Files.readString(target), "the target file is left as it was");
    }

    @Test
    void aSasTokenGivesAccessWithoutTheAccountKey() throws Exception {
        BlobServiceClient service = new BlobServiceClientBuilder().connectionString(connectionString).buildClient();
        String sas = service.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse("rwdlc"), new AccountSasService().setBlobAccess(true),
                new AccountSasResourceType().setContainer(true).setObject(true)));
        AzureBlobContainer viaSas = new AzureBlobContainer(CONTAINER, basePath,
                BlockRef.of("sas", AzureBlobStorageCredentials.sasToken(service.getAccountUrl(), Secret.of(sas))));
        try {
            Path f = Files.writeString(dir.resolve("sas.csv"), "via sas");
            viaSas.upload(f, "sas.csv");
            assertEquals(List.of("sas.csv"), viaSas.list(""));
            assertEquals("via sas", Files.readString(lake.download("sas.csv", dir.resolve("back.csv"))));
            assertTrue(viaSas.delete("sas.csv"));
        } finally {
            viaSas.close();
        }
    }

    @Test
    void wrongCredentialsFailWithAClearErrorThatNeverShowsTheKey() throws Exception {
        Matcher account = Pattern.compile("AccountName=([^;]+)").matcher(connectionString);
        Matcher endpoint = Pattern.compile("BlobEndpoint=([^;]+)").matcher(connectionString);
        assertTrue(account.find() && endpoint.find(), "the connection string names the account and its endpoint");
        byte[] k = new byte[64];
        new java.security.SecureRandom().nextBytes(k);
        String wrongKey = Base64.getEncoder().encodeToString(k);
        String wrongSig = "sig=" + UUID.randomUUID();
        Path f = Files.writeString(dir.resolve("x.csv"), "x");
        try (CapturedOutput out = new CapturedOutput()) {   // every logger at every level, the SDK's included
            AzureBlobContainer withWrongKey = new AzureBlobContainer(CONTAINER, basePath, BlockRef.of("wrong",
                    AzureBlobStorageCredentials.accountKey(account.group(1), Secret.of(wrongKey), endpoint.group(1))));
            AzureBlobContainer withWrongSas = new AzureBlobContainer(CONTAINER, basePath, BlockRef.of("wrong-sas",
                    AzureBlobStorageCredentials.sasToken(endpoint.group(1), Secret.of("sv=2025-01-05&ss=b&srt=co&sp=rwdl"
                            + "&se=2099-01-01T00:00:00Z&" + wrongSig))));
            List<BlockException> errors = List.of(
                    assertThrows(BlockException.class, () -> withWrongKey.upload(f, "x.csv")),
                    assertThrows(BlockException.class, () -> withWrongKey.exists("x.csv")),
                    assertThrows(BlockException.class, () -> withWrongKey.list("")),
                    assertThrows(BlockException.class, () -> withWrongSas.upload(f, "x.csv")));
            withWrongKey.close();
            withWrongSas.close();
            StringBuilder all = new StringBuilder(out.all());
            for (BlockException e : errors) {
                assertTrue(e.getMessage().startsWith("azure-blob-container " + CONTAINER + ": "), e.getMessage());
                assertTrue(e.getMessage().contains("403"), e.getMessage());
                assertTrue(e.getMessage().contains("check the credentials block"), e.getMessage());
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                all.append(trace);
            }
            assertTrue(errors.getFirst().getMessage().contains("upload of " + f + " to '" + basePath + "/x.csv'"),
                    errors.getFirst().getMessage());
            assertFalse(all.toString().contains(wrongKey), all.toString());
            assertFalse(all.toString().contains(wrongSig), all.toString());
        }
        assertEquals(List.of(), rawNames());
    }

    @Test
    void aMissingContainerIsNamedInTheError() throws Exception {
        AzureBlobContainer missing = new AzureBlobContainer("no-such-" + UUID.randomUUID().toString().substring(0, 8), null,
                lake.credentials());
        try {
            Path f = Files.writeString(dir.resolve("x.csv"), "x");
            BlockException e = assertThrows(BlockException.class, () -> missing.upload(f, "x.csv"));
            assertTrue(e.getMessage().contains("container '" + missing.container() + "' does not exist"), e.getMessage());
            assertFalse(e.getMessage().contains(connectionString), e.getMessage());
        } finally {
            missing.close();
        }
    }
}
