package io.flowcore.blocks.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.testing.Files2;
import io.flowcore.engine.testing.TestInfra;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MiB file up to Azurite and back in a child JVM whose heap is capped at 64 MiB: the transfer
 * must stream from and to disk in bounded blocks, or the child dies of OutOfMemoryError.
 */
class AzureBlobContainerLargeFileAzuriteTests {
    static final long SIZE = 200L << 20;

    @TempDir
    Path dir;

    @Test
    void twoHundredMegabytesGoUpAndComeBackInA64MegabyteHeap() throws Exception {
        String cs = TestInfra.require("FLOWCORE_AZURE_CONNECTION_STRING");
        BlobContainerClient raw = new BlobServiceClientBuilder().connectionString(cs).buildClient()
                .getBlobContainerClient(AzureBlobContainerAzuriteTests.CONTAINER);
        raw.createIfNotExists();
        String basePath = "large-" + UUID.randomUUID();
        Path f = Files2.random(dir.resolve("200mb.bin"), SIZE, 2);
        Path back = dir.resolve("back/200mb.bin");
        Path log = dir.resolve("child.log");
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    AzureBlobContainerLargeFileAzuriteTests.class.getName(), AzureBlobContainerAzuriteTests.CONTAINER, basePath,
                    f.toString(), back.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child finished within 5 minutes");
            String output = Files.readString(log);
            assertEquals(0, child.exitValue(), output);
            assertTrue(output.contains("transferred peak_heap_mb="), output);
            System.out.println("200 MiB up and down with -Xmx64m: " + output.strip().lines().reduce((a, b) -> b).orElse(""));

            assertEquals(SIZE, raw.getBlobClient(basePath + "/big/200mb.bin").getProperties().getBlobSize());
            assertEquals(Files2.sha256(f), Files2.sha256(back));
        } finally {
            raw.getBlobClient(basePath + "/big/200mb.bin").deleteIfExists();
        }
    }

    /** The child: uploads args[2] to args[1]/big/200mb.bin in container args[0], downloads it to args[3]. */
    public static void main(String[] args) {
        try {
            String cs = System.getenv("FLOWCORE_AZURE_CONNECTION_STRING");
            try (AzureBlobContainer lake = new AzureBlobContainer(args[0], args[1],
                    BlockRef.of("creds", AzureBlobStorageCredentials.connectionString(Secret.of(cs))))) {
                lake.upload(Path.of(args[2]), "big/200mb.bin");
                lake.download("big/200mb.bin", Path.of(args[3]));
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
            }
            System.out.println("transferred peak_heap_mb=" + (peak >> 20));
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }
}
