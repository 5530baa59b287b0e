package io.flowcore.examples.taxi.data;

import io.flowcore.data.download.DownloadException;
import io.flowcore.data.download.DownloadOptions;
import io.flowcore.data.download.DownloadResult;
import io.flowcore.data.download.Downloader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/*
 * A body delimited by closing the connection (HTTP/1.1 without Content-Length or chunking). The JDK's
 * HttpServer (and so TaxiDataServer) cannot send one, hence this stand-in: a loopback socket that
 * writes a status line, headers and the first `bodyBytes` bytes of the body, then closes.
 */
@DisplayName("Downloader with a close-delimited body (socket stand-in)")
class DownloaderCloseDelimitedStandInTests {
    @TempDir
    Path dir;
    ServerSocket socket;
    volatile byte[] body;
    volatile int bodyBytes;

    @BeforeEach
    void listen() throws IOException {
        socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::serve);
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
    }

    @Test
    void reportsAGzipBodyCutShortByAClosedConnectionInsteadOfTakingItAsComplete() throws Exception {
        body = gzip(5_000);
        bodyBytes = body.length / 2;
        URI uri = uri("/yellow/y.csv.gz");
        DownloadException e = assertThrows(DownloadException.class,
                () -> new Downloader(DownloadOptions.defaults().withRetries(2, Duration.ZERO)).download(uri, dir.resolve("y.csv.gz")));
        assertTrue(e.getMessage().contains("y.csv.gz downloaded from " + uri + " is not a complete gzip file"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("y.csv.gz")) && Files.notExists(dir.resolve("y.csv.gz.part")));
    }

    @Test
    void acceptsAWholeGzipBodyDelimitedByAClosedConnection() throws Exception {
        body = gzip(5_000);
        bodyBytes = body.length;
        DownloadResult r = new Downloader(DownloadOptions.defaults()).download(uri("/yellow/y.csv.gz"), dir.resolve("y.csv.gz"));
        assertArrayEquals(body, Files.readAllBytes(r.file()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    private static byte[] gzip(int lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            for (int i = 0; i < lines; i++) gz.write(("line " + i + ",some,fields\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                readRequestHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(Arrays.copyOf(body, bodyBytes));
                out.flush();
            } catch (IOException e) {
                return; // the socket was closed by the test
            }
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0) return;
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
