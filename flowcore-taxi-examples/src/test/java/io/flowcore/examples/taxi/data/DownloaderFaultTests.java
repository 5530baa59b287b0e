package io.flowcore.examples.taxi.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/* The ways a real download goes wrong, each made by the TaxiDataServer's test hooks over loopback HTTP. */
@DisplayName("Downloader under network and server faults")
class DownloaderFaultTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);
    private static final DownloadOptions FAST = DownloadOptions.defaults()
            .withRetries(3, Duration.ofMillis(20)).withBodyIdleTimeout(Duration.ofSeconds(1));
    private static final Duration FEW_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    TaxiDataServer server;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = TaxiDataServer.start(ServerOptions.defaults(dir.resolve("cache")).withMonths(GeneratorOptions.rows(5_000)));
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    @Test
    void resumesWithARangeRequestWhenTheBodyStallsLongerThanTheIdleTimeout() throws Exception {
        URI uri = server.csvGzUri(JAN);
        Path served = server.file(uri.getPath());
        server.stallOnce(uri.getPath(), Files.size(served) / 2, release);
        DownloadResult r = assertTimeoutPreemptively(FEW_SECONDS,
                () -> new Downloader(FAST).download(uri, dir.resolve("y.csv.gz"), sha256(served)));
        assertEquals(2, r.attempts(), "one stalled attempt, one resumed");
        assertEquals(1, r.resumes());
        assertEquals(sha256(served), r.sha256());
    }

    @Test
    void failsNamingTheSilenceAndTheUrlWhenTheBodyStallsOnTheLastAttempt() throws Exception {
        URI uri = server.parquetUri(JAN);
        server.stallOnce(uri.getPath(), 1000, release);
        DownloadException e = assertTimeoutPreemptively(FEW_SECONDS, () -> assertThrows(DownloadException.class,
                () -> new Downloader(FAST.withRetries(1, Duration.ZERO)).download(uri, dir.resolve("y.parquet"))));
        assertTrue(e.getMessage().contains(uri.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no data for 1000 ms after 1000 bytes"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("y.parquet")), "nothing is taken as complete");
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
