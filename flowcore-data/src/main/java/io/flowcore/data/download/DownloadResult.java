package io.flowcore.data.download;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished download.
 *
 * @param uri      where it came from
 * @param file     where it is now
 * @param bytes    its size, checked against the server's Content-Length / Content-Range
 * @param sha256   the SHA-256 of the file, lower-case hex
 * @param attempts how many requests it took
 * @param resumes  how many of them continued a partial file with an HTTP Range request
 * @param elapsed  the wall time, retries included
 */
public record DownloadResult(URI uri, Path file, long bytes, String sha256, int attempts, int resumes, Duration elapsed) {
}
