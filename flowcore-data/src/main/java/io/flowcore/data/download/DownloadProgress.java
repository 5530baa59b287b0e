package io.flowcore.data.download;

import java.util.Locale;
import org.slf4j.Logger;

/* Logs bytes, rate and ETA of one download at most once per interval, and once at the end. */
final class DownloadProgress {
    private final Logger log;
    private final String name;
    private final long intervalNanos;
    private final long startNanos = System.nanoTime();
    private final long initialBytes;
    private long total = -1;
    private long lastLogNanos = startNanos;

    DownloadProgress(Logger log, String name, long intervalNanos, long initialBytes) {
        this.log = log;
        this.name = name;
        this.intervalNanos = intervalNanos;
        this.initialBytes = initialBytes;
    }

    void total(long total) {
        this.total = total;
    }

    void update(long bytes) {
        long now = System.nanoTime();
        if (now - lastLogNanos < intervalNanos) return;
        lastLogNanos = now;
        log.info("Downloading {}: {}", name, describe(bytes, now));
    }

    String describe(long bytes, long now) {
        double secs = Math.max(1e-3, (now - startNanos) / 1e9);
        double rate = (bytes - initialBytes) / secs;
        StringBuilder s = new StringBuilder(mb(bytes));
        if (total > 0) {
            s.append(" of ").append(mb(total)).append(String.format(Locale.ROOT, " (%.0f %%)", 100.0 * bytes / total));
        }
        s.append(", ").append(mb((long) rate)).append("/s");
        if (total > 0 && rate > 0) s.append(String.format(Locale.ROOT, ", ETA %.0f s", (total - bytes) / rate));
        return s.toString();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
