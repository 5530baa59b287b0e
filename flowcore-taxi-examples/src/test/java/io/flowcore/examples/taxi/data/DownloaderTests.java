package io.flowcore.examples.taxi.data;

import io.flowcore.data.download.DownloadException;
import io.flowcore.data.download.DownloadOptions;
import io.flowcore.data.download.DownloadResult;
import io.flowcore.data.download.Downloader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Downloader")
class DownloaderTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);
    private static final DownloadOptions FAST = DownloadOptions.defaults()
            .withRetries(3, Duration.ofMillis(20)).withProgressInterval(Duration.ZERO); // every update: the test must not depend on timing

    @TempDir
    Path dir;
    TaxiDataServer server;

    @BeforeEach
    void start() throws Exception {
        server = TaxiDataServer.start(ServerOptions.defaults(dir.resolve("cache")).withMonths(GeneratorOptions.rows(40_000)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsAFileWithItsSizeAndSha256() throws Exception {
        URI uri = server.parquetUri(JAN);
        DownloadResult r = new Downloader(FAST).download(uri, dir.resolve("out/y.parquet"));
        Path served = server.file(uri.getPath());
        assertEquals(Files.size(served), r.bytes());
        assertEquals(sha256(served), r.sha256());
        assertEquals(1, r.attempts());
        assertEquals(0, r.resumes());
        assertEquals(40_000, DuckDb.parquetRows(r.file()));
    }

    @Test
    void resumesWithARangeRequestAfterTheConnectionDrops() throws Exception {
        URI uri = server.csvGzUri(JAN);
        Path served = server.file(uri.getPath());
        long size = Files.size(served);
        server.dropConnectionOnce(uri.getPath(), size / 3);
        Path target = dir.resolve("y.csv.gz");
        DownloadResult r = new Downloader(FAST).download(uri, target, sha256(served));
        assertEquals(2, r.attempts(), "one dropped attempt, one resumed");
        assertEquals(1, r.resumes());
        assertEquals(size, Files.size(target));
        assertEquals(sha256(served), r.sha256());
        assertFalse(Files.exists(dir.resolve("y.csv.gz.part")));
    }

    @Test
    void logsProgressWithBytesRateAndEta() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Downloader.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // whatever logback configuration is on the classpath
        try {
            new Downloader(FAST).download(server.csvGzUri(JAN), dir.resolve("p.csv.gz"));
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
        assertTrue(lines.list.stream().map(e -> e.getFormattedMessage()).anyMatch(m ->
                        m.matches("Downloading /yellow/yellow_tripdata_2021-01.csv.gz: [0-9.]+ MB of [0-9.]+ MB \\(\\d+ %\\), [0-9.]+ MB/s, ETA \\d+ s")),
                lines.list.toString());
    }

    @Test
    void failsAtOnceOn404WithTheUrlAndTheServersMessage() {
        URI uri = URI.create(server.baseUri() + "/trip-data/purple_tripdata_2021-01.parquet");
        DownloadException e = assertThrows(DownloadException.class,
                () -> new Downloader(FAST).download(uri, dir.resolve("p.parquet")));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertTrue(e.getMessage().contains(uri.toString()), e.getMessage());
    }

    @Test
    void rejectsAFileWhoseChecksumDiffers() {
        URI uri = server.csvGzUri(JAN);
        DownloadException e = assertThrows(DownloadException.class,
                () -> new Downloader(FAST).download(uri, dir.resolve("x.csv.gz"), "00".repeat(32)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsNamingTheLastError() throws Exception {
        URI uri = server.csvGzUri(JAN);
        server.close(); // nothing listens any more
        DownloadException e = assertThrows(DownloadException.class,
                () -> new Downloader(FAST).download(uri, dir.resolve("z.csv.gz")));
        assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
