package io.flowcore.data.download;

import io.flowcore.api.Retry;
import io.flowcore.api.spi.Sleeper;
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
    private final Sleeper sleeper;

    /** A downloader with {@code options}. */
    public Downloader(DownloadOptions options) {
        this(options, Sleeper.SYSTEM);
    }

    /** A downloader that waits between attempts through {@code sleeper} (tests record instead of waiting). */
    public Downloader(DownloadOptions options, Sleeper sleeper) {
        this.options = options;
        this.sleeper = sleeper;
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
        PartialDownload partial = new PartialDownload(target);
        Files.createDirectories(target.toAbsolutePath().getParent());
        int[] resumes = {0};
        try {
            return Retry.call(options.retryPolicy(), sleeper,
                    e -> e instanceof IOException && !(e instanceof DownloadException),
                    (next, wait, e) -> log.info("Retrying {} in {} ms (attempt {} of {}) after: {}", uri, wait.toMillis(),
                            next, options.maxAttempts(), e.getMessage()),
                    attempt -> once(uri, target, expectedSha256, partial, attempt, resumes, t0));
        } catch (DownloadException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("interrupted while downloading " + uri, e);
        } catch (IOException last) {
            if (Thread.currentThread().isInterrupted()) throw new DownloadException("interrupted while downloading " + uri, last);
            throw new DownloadException("could not download " + uri + " after " + options.maxAttempts()
                    + " attempts; last error: " + last.getMessage() + " (partial data kept in " + partial.file() + ")", last);
        } catch (Exception e) {
            throw new DownloadException("could not download " + uri + ": " + e, e);
        }
    }

    /** One attempt: an IOException is retried (the next attempt resumes the kept bytes); a DownloadException is final. */
    private DownloadResult once(URI uri, Path target, String expectedSha256, PartialDownload partial, int attempt,
                                int[] resumes, long t0) throws IOException, InterruptedException {
        Fetched fetched = fetch(uri, partial);
        if (fetched.resumed()) resumes[0]++;
        long size = Files.size(partial.file());
        if (fetched.total() >= 0 && size != fetched.total()) {
            throw new IOException("got " + size + " of " + fetched.total() + " bytes"); // the next attempt resumes the rest
        }
        try {
            DownloadedFileCheck.check(partial.file(), target.getFileName().toString());
        } catch (IOException damaged) {
            partial.discard();
            throw new DownloadException(target.getFileName() + " downloaded from " + uri + " is "
                    + damaged.getMessage() + "; the copy was deleted, so the next run downloads it again "
                    + "(if this repeats, the file on the server is damaged)", damaged);
        }
        String sha = sha256(partial.file());
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
            partial.discard();
            throw new DownloadException("checksum mismatch for " + uri + ": expected SHA-256 "
                    + expectedSha256 + ", got " + sha, null);
        }
        partial.completeAs(target);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Downloaded {} ({} bytes, sha256 {}) in {} ms, {} attempt(s), {} resume(s)", target.getFileName(),
                size, sha, elapsed.toMillis(), attempt, resumes[0]);
        return new DownloadResult(uri, target, size, sha, attempt, resumes[0], elapsed);
    }

    /** What one request did: the full size (-1 if unknown) and whether it continued kept bytes. */
    private record Fetched(long total, boolean resumed) {
    }

    /**
     * One request: continues the kept bytes with a Range + If-Range request when they have a
     * validator, else fetches the whole file; a 206 of another version is discarded and the whole
     * file is fetched in the same attempt.
     */
    private Fetched fetch(URI uri, PartialDownload partial) throws IOException, InterruptedException {
        long have = partial.resumableBytes();
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(options.timeout()).GET();
        if (have > 0) req.header("Range", "bytes=" + have + "-").header("If-Range", partial.validator());
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofPublisher());
        int status = resp.statusCode();
        BodyStream stream = new BodyStream(uri, options.bodyIdleTimeout());
        resp.body().subscribe(stream);
        long total;
        try (InputStream body = stream) {
            if (status == 206) {
                String cr = resp.headers().firstValue("Content-Range").orElse("");
                Matcher m = CONTENT_RANGE.matcher(cr);
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    partial.discard(); // a range we did not ask for: start over
                    throw new IOException("unexpected Content-Range '" + cr + "' for a resume from byte " + have);
                }
                if (!partial.sameVersion(resp.headers())) {
                    log.info("{} changed since byte {} was kept (validator {}, now {}): downloading it again from byte 0",
                            uri, have, partial.validator(), PartialDownload.validatorOf(resp.headers()));
                    partial.discard();
                    body.close();
                    return fetch(uri, partial); // nothing kept now: a plain GET, no recursion beyond this
                }
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                log.info("Resuming {} from byte {} of {}", uri, have, total);
            } else if (status == 200) {
                total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (have > 0) log.info("{} answered the resume with the whole file: downloading it again from byte 0", uri);
                partial.restart(resp.headers()); // whether a Range was sent or not: the body is the whole file
                have = 0;
            } else if (status == 416 && have > 0) {
                partial.discard(); // the kept bytes are longer than the resource: start over
                throw new IOException("server answered 416 to a resume from byte " + have);
            } else {
                String text = new String(body.readNBytes(500), StandardCharsets.UTF_8).strip();
                String msg = "GET " + uri + " answered HTTP " + status + (text.isEmpty() ? "" : ": " + text);
                if (status >= 400 && status < 500) throw new DownloadException(msg, null);
                throw new IOException(msg);
            }
            DownloadProgress progress = new DownloadProgress(log, uri.getPath(), options.progressInterval().toNanos(), have);
            progress.total(total);
            long written = have;
            try (OutputStream out = partial.append()) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = body.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    written += n;
                    progress.update(written);
                }
            }
        }
        return new Fetched(total, have > 0);
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
}
