package io.flowcore.examples.taxi.data;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.state.StateType;
import io.flowcore.data.download.DownloadOptions;
import io.flowcore.data.download.Downloader;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/* The download task as the taxi flows cache it (by inputs, for a day), run by the real engine. */
@DisplayName("a cached download task")
class DownloadTaskCacheTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);

    /** A one-task flow shaped like EtlWebToLake's fetch. */
    public static class FetchMonth {
        @Task(cache = CacheMode.INPUTS, cacheExpirationSeconds = 86_400)
        public String fetch(String url, Path target) throws IOException {
            return new Downloader(DownloadOptions.defaults().withRetries(2, Duration.ZERO)).download(URI.create(url), target).sha256();
        }

        @Flow(name = "fetch-month")
        public String fetchMonth(String url, Path target) throws IOException {
            return fetch(url, target);
        }
    }

    @TempDir
    Path home;
    TaxiDataServer server;
    Flowcore fc;

    @BeforeEach
    void start() throws Exception {
        server = TaxiDataServer.start(ServerOptions.defaults(home.resolve("source")).withMonths(GeneratorOptions.rows(3_000)));
        fc = Flowcore.create(cfg -> cfg.home(home.resolve("flowcore")).sleeper(d -> { }));
    }

    @AfterEach
    void stop() {
        fc.close();
        server.close();
    }

    @Test
    void aDownloadRefusedAsCutShortIsNotCachedSoTheNextRunDownloadsAgain() throws Exception {
        String url = server.csvGzUri(JAN).toString();
        Path served = server.file(server.csvGzUri(JAN).getPath());
        Path target = home.resolve("downloads/y.csv.gz");
        server.truncateOnce(server.csvGzUri(JAN).getPath(), Files.size(served) / 2);

        FlowRun<String> first = fc.execute(FetchMonth.class, f -> f.fetchMonth(url, target));
        assertEquals(StateType.FAILED, first.state().type());
        assertTrue(String.valueOf(first.error()).contains("not a complete gzip file"), String.valueOf(first.error()));

        FlowRun<String> second = fc.execute(FetchMonth.class, f -> f.fetchMonth(url, target));
        assertEquals(StateType.COMPLETED, second.state().type(), String.valueOf(second.error()));
        assertNotEquals("Cached", second.taskRuns().getFirst().state().name(), "the task ran and downloaded again");
        assertEquals(DownloaderFaultTests.sha256(served), second.result());

        FlowRun<String> third = fc.execute(FetchMonth.class, f -> f.fetchMonth(url, target));
        assertEquals("Cached", third.taskRuns().getFirst().state().name(), "a good download is cached");
    }
}
