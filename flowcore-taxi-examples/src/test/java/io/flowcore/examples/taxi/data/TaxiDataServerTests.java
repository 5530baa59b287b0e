package io.flowcore.examples.taxi.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TaxiDataServer")
class TaxiDataServerTests {
    private static final MonthSpec JAN = MonthSpec.of(Service.YELLOW, 2021, 1);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path cache;
    TaxiDataServer server;

    @BeforeEach
    void start() throws Exception {
        server = TaxiDataServer.start(ServerOptions.defaults(cache).withMonths(GeneratorOptions.rows(3_000)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesCsvGzAndParquetUnderTheRealUrlLayoutsWithContentLength() throws Exception {
        for (URI uri : new URI[] {server.csvGzUri(JAN), server.parquetUri(JAN)}) {
            HttpResponse<byte[]> r = get(uri, null);
            assertEquals(200, r.statusCode(), uri.toString());
            byte[] onDisk = Files.readAllBytes(server.file(uri.getPath()));
            assertEquals(String.valueOf(onDisk.length), r.headers().firstValue("Content-Length").orElseThrow());
            assertArrayEquals(onDisk, r.body());
        }
        assertTrue(server.parquetUri(JAN).getPath().equals("/trip-data/yellow_tripdata_2021-01.parquet"));
        assertTrue(server.csvGzUri(JAN).getPath().equals("/yellow/yellow_tripdata_2021-01.csv.gz"));
    }

    @Test
    void answersRangeRequestsWith206AndContentRange() throws Exception {
        URI uri = server.parquetUri(JAN);
        byte[] all = get(uri, null).body();
        HttpResponse<byte[]> mid = get(uri, "bytes=100-199");
        assertEquals(206, mid.statusCode());
        assertEquals("bytes 100-199/" + all.length, mid.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(all, 100, 200), mid.body());
        HttpResponse<byte[]> open = get(uri, "bytes=" + (all.length - 10) + "-");
        assertArrayEquals(Arrays.copyOfRange(all, all.length - 10, all.length), open.body());
        HttpResponse<byte[]> suffix = get(uri, "bytes=-4");
        assertArrayEquals("PAR1".getBytes(), suffix.body());
        HttpResponse<byte[]> beyond = get(uri, "bytes=" + all.length + "-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + all.length, beyond.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void honoursIfRangeWithTheCurrentETagAndSendsTheWholeFileForAnotherVersion() throws Exception {
        URI uri = server.parquetUri(JAN);
        HttpResponse<byte[]> whole = get(uri, null);
        String etag = whole.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.startsWith("\""), "a strong ETag: " + etag);
        HttpRequest.Builder same = HttpRequest.newBuilder(uri).header("Range", "bytes=100-").header("If-Range", etag);
        assertEquals(206, http.send(same.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        HttpRequest.Builder other = HttpRequest.newBuilder(uri).header("Range", "bytes=100-").header("If-Range", "\"another\"");
        HttpResponse<byte[]> r = http.send(other.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(whole.body(), r.body());
    }

    @Test
    void generatesEachFileOnceIntoTheCache() throws Exception {
        URI uri = server.csvGzUri(JAN);
        get(uri, null);
        Path file = server.file(uri.getPath());
        FileTime first = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(first.toMillis() - 60_000));
        get(uri, null);
        assertEquals(first.toMillis() - 60_000, Files.getLastModifiedTime(file).toMillis());
        assertTrue(file.startsWith(cache));
    }

    @Test
    void answersUnknownPathsWith404AndAClearBody() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/purple/purple_tripdata_2021-01.csv.gz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("no such file: /purple/purple_tripdata_2021-01.csv.gz"), r.body());
        assertTrue(r.body().contains("/trip-data/{yellow|green|fhv}_tripdata_{yyyy}-{mm}.parquet"), r.body());
    }

    private HttpResponse<byte[]> get(URI uri, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (range != null) b.header("Range", range);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
