package io.flowcore.examples.taxi.data;

import io.flowcore.data.download.DownloadException;
import io.flowcore.data.download.DownloadOptions;
import io.flowcore.data.download.DownloadResult;
import io.flowcore.data.download.Downloader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void restartsFromByteZeroWhenTheFileChangedBetweenTheDropAndTheResume() throws Exception {
        URI uri = server.csvGzUri(JAN);
        Path served = server.file(uri.getPath());
        server.dropConnectionOnce(uri.getPath(), Files.size(served) / 3);
        Path target = dir.resolve("y.csv.gz");
        assertThrows(DownloadException.class, () -> new Downloader(FAST.withRetries(1, Duration.ZERO)).download(uri, target));
        assertTrue(Files.size(dir.resolve("y.csv.gz.part")) > 0, "the partial file is kept for a resume");
        assertTrue(Files.exists(dir.resolve("y.csv.gz.part.validator")), "with the version it belongs to beside it");
        replaceWithAnotherVersion(served);

        DownloadResult r = new Downloader(FAST).download(uri, target, sha256(served));
        assertEquals(0, r.resumes(), "If-Range named the old version, so the server sent the whole new file");
        assertEquals(sha256(served), r.sha256());
        assertTrue(Files.notExists(dir.resolve("y.csv.gz.part.validator")));
    }

    @Test
    void discardsThePartialFileWhenA206ComesWithAnotherVersionsETag() throws Exception {
        URI uri = server.csvGzUri(JAN);
        Path served = server.file(uri.getPath());
        server.dropConnectionOnce(uri.getPath(), Files.size(served) / 3);
        Path target = dir.resolve("y.csv.gz");
        assertThrows(DownloadException.class, () -> new Downloader(FAST.withRetries(1, Duration.ZERO)).download(uri, target));
        replaceWithAnotherVersion(served);
        server.ignoreIfRange(true); // answers the resume with 206 and the new file's bytes

        DownloadResult r = new Downloader(FAST).download(uri, target, sha256(served));
        assertEquals(0, r.resumes(), "the 206 of another version was not appended");
        assertEquals(sha256(served), r.sha256());
    }

    @Test
    void refusesATruncatedCsvGzWhoseContentLengthMatchesAndDownloadsItAgainOnTheNextRun() throws Exception {
        refusesATruncatedFileAndDownloadsItAgainOnTheNextRun(server.csvGzUri(JAN), "y.csv.gz", "not a complete gzip file");
    }

    @Test
    void refusesATruncatedParquetWhoseContentLengthMatchesAndDownloadsItAgainOnTheNextRun() throws Exception {
        refusesATruncatedFileAndDownloadsItAgainOnTheNextRun(server.parquetUri(JAN), "y.parquet", "not a complete Parquet file");
    }

    private void refusesATruncatedFileAndDownloadsItAgainOnTheNextRun(URI uri, String name, String why) throws Exception {
        Path served = server.file(uri.getPath());
        server.truncateOnce(uri.getPath(), Files.size(served) * 2 / 3);
        Path target = dir.resolve(name);
        DownloadException e = assertThrows(DownloadException.class, () -> new Downloader(FAST).download(uri, target));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(uri.toString()), e.getMessage());
        try (var left = Files.list(dir)) {
            assertEquals(List.of("cache"), left.map(p -> p.getFileName().toString()).toList(),
                    "the damaged copy is deleted, so nothing can point at it");
        }

        DownloadResult again = new Downloader(FAST).download(uri, target);
        assertEquals(sha256(served), again.sha256());
        assertEquals(0, again.resumes(), "the next run starts from byte 0");
    }

    @Test
    void detectsAChunkedBodyCutShortAndResumesIt() throws Exception {
        URI uri = server.csvGzUri(JAN);
        Path served = server.file(uri.getPath());
        server.chunkedDropOnce(uri.getPath(), Files.size(served) / 2);
        DownloadResult r = new Downloader(FAST).download(uri, dir.resolve("y.csv.gz"), sha256(served));
        assertEquals(2, r.attempts(), "the cut chunked body failed the first attempt");
        assertEquals(1, r.resumes());
        assertEquals(sha256(served), r.sha256());
    }

    /* Another month's bytes under this URL, with a later modification time: a new ETag. */
    private void replaceWithAnotherVersion(Path served) throws Exception {
        Path other = server.file(server.csvGzUri(MonthSpec.of(Service.YELLOW, 2021, 2)).getPath());
        FileTime before = Files.getLastModifiedTime(served);
        Files.copy(other, served, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(served, FileTime.fromMillis(before.toMillis() + 3_600_000));
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
