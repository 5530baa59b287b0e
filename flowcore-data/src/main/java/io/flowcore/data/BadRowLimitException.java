package io.flowcore.data;

import java.nio.file.Path;
import java.util.Locale;

/** A file with more bad rows than the configured share; nothing was written. */
public final class BadRowLimitException extends RuntimeException {
    private final long rejected;
    private final long read;

    /** With a message naming the file, the counts, the limit and the rejects file. */
    public BadRowLimitException(String file, long rejected, long read, double maxShare, Path rejects) {
        super(String.format(Locale.ROOT, "%s has %d bad rows of %d (%.2f %%), more than the allowed %.2f %%;"
                        + " nothing was written; see the rejected rows with their line numbers in %s",
                file, rejected, read, read == 0 ? 0.0 : 100.0 * rejected / read, 100.0 * maxShare, rejects));
        this.rejected = rejected;
        this.read = read;
    }

    /** Rows rejected. */
    public long rejected() { return rejected; }

    /** Rows read. */
    public long read() { return read; }
}
