package io.flowcore.data.download;

import java.io.IOException;

/** A download that failed for good: a client error (e.g. 404), a size or checksum mismatch, or retries used up. */
public final class DownloadException extends IOException {
    /** With a message naming the URL and what went wrong. */
    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
