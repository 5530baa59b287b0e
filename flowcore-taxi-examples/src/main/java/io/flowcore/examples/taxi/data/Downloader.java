package io.flowcore.examples.taxi.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a file over HTTP into a local path: logs progress (bytes, rate, ETA), retries with
 * exponential backoff, resumes a partial file with an HTTP {@code Range} request after a dropped
 * connection, checks the size against the server's {@code Content-Length}/{@code Content-Range},
 * and returns the SHA-256 of the file. A body that sends nothing for
 * {@link DownloadOptions#bodyIdleTimeout()} fails the attempt, as a dropped connection does. The data lands in {@code target + ".part"} and is moved to
 * {@code target} only when complete. Client errors (4xx) are not retried.
 */
public final class Downloader {
    private static final Logger log = LoggerFactory.getLogger(Downloader.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final DownloadOptions options;
    private final HttpClient client;

    /** A downloader with {@code options}. */
    public Downloader(DownloadOptions options) {
        this.options = options;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * Downloads {@code uri} to {@code target} (replacing it).
     *
     * @throws DownloadException when the server answers 4xx, or the attempts are used up (the message
     *                           names the URL, the attempts and the last error)
     */
    public DownloadResult download(URI uri, Path target) throws IOException {
        return download(uri, target, null);
    }

    /**
     * Downloads {@code uri} to {@code target} and checks its SHA-256 against {@code expectedSha256}
     * (hex; null to skip the check).
     *
     * @throws DownloadException as {@link #download(URI, Path)}, or when the checksum differs
     */
    public DownloadResult download(URI uri, Path target, String expectedSha256) throws IOException {
        long t0 = System.nanoTime();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.createDirectories(target.toAbsolutePath().getParent());
        int resumes = 0;
        IOException last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            if (attempt > 1) {
                Duration wait = options.backoffBefore(attempt);
                log.info("Retrying {} in {} ms (attempt {} of {}) after: {}", uri, wait.toMillis(), attempt,
                        options.maxAttempts(), last.getMessage());
                sleep(wait);
            }
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (have > 0) resumes++;
            try {
                long total = fetch(uri, part, have);
                long size = Files.size(part);
                if (total >= 0 && size != total) {
                    last = new IOException("got " + size + " of " + total + " bytes");
                    continue; // resume the rest
                }
                String sha = sha256(part);
                if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
                    Files.deleteIfExists(part);
                    throw new DownloadException("checksum mismatch for " + uri + ": expected SHA-256 "
                            + expectedSha256 + ", got " + sha, null);
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
                log.info("Downloaded {} ({} bytes, sha256 {}) in {} ms, {} attempt(s), {} resume(s)", target.getFileName(),
                        size, sha, elapsed.toMillis(), attempt, resumes);
                return new DownloadResult(uri, target, size, sha, attempt, resumes, elapsed);
            } catch (DownloadException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadException("interrupted while downloading " + uri, e);
            }
        }
        throw new DownloadException("could not download " + uri + " after " + options.maxAttempts()
                + " attempts; last error: " + last.getMessage() + " (partial data kept in " + part + ")", last);
    }

    /** One request; appends to {@code part} from byte {@code have}; returns the full size, or -1 if unknown. */
    private long fetch(URI uri, Path part, long have) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(options.timeout()).GET();
        if (have > 0) req.header("Range", "bytes=" + have + "-");
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofPublisher());
        int status = resp.statusCode();
        BodyStream stream = new BodyStream(uri, options.bodyIdleTimeout());
        resp.body().subscribe(stream);
        try (InputStream body = stream) {
            long total;
            boolean append;
            if (status == 206) {
                String cr = resp.headers().firstValue("Content-Range").orElse("");
                Matcher m = CONTENT_RANGE.matcher(cr);
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    Files.deleteIfExists(part); // a range we did not ask for: start over
                    throw new IOException("unexpected Content-Range '" + cr + "' for a resume from byte " + have);
                }
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                append = true;
                log.info("Resuming {} from byte {} of {}", uri, have, total);
            } else if (status == 200) {
                total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
                append = false; // the server ignored the range, if any: start over
            } else if (status == 416 && have > 0) {
                Files.deleteIfExists(part); // the partial file is longer than the resource: start over
                throw new IOException("server answered 416 to a resume from byte " + have);
            } else {
                String text = new String(body.readNBytes(500), StandardCharsets.UTF_8).strip();
                String msg = "GET " + uri + " answered HTTP " + status + (text.isEmpty() ? "" : ": " + text);
                if (status >= 400 && status < 500) throw new DownloadException(msg, null);
                throw new IOException(msg);
            }
            DownloadProgress progress = new DownloadProgress(log, uri.getPath(), options.progressInterval().toNanos(),
                    append ? have : 0);
            progress.total(total);
            long written = append ? have : 0;
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = body.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    written += n;
                    progress.update(written);
                }
            }
            return total;
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void sleep(Duration d) throws DownloadException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("interrupted while waiting to retry", e);
        }
    }
}
