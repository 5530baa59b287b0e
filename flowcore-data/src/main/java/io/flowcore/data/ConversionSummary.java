package io.flowcore.data;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one month's conversion did.
 *
 * @param source        the file read
 * @param rowsRead      data rows read (rejected ones included)
 * @param rowsWritten   rows written to the sink
 * @param rowsRejected  bad rows, written to {@code rejectsFile}
 * @param rowsFiltered  rows dropped by the filter
 * @param schemaChanges how the file's columns were mapped onto the canonical schema (empty: none)
 * @param rejectsFile   where the rejected rows are, or null when there were none
 * @param elapsed       the wall time
 */
public record ConversionSummary(Path source, long rowsRead, long rowsWritten, long rowsRejected, long rowsFiltered,
                                List<SchemaChange> schemaChanges, Path rejectsFile, Duration elapsed) {

    /** Rows written per second. */
    public double rowsPerSecond() {
        return rowsWritten / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: read %d, wrote %d, rejected %d, filtered %d, schema changes %s, %.2f s (%.0f rows/s)",
                source.getFileName(), rowsRead, rowsWritten, rowsRejected, rowsFiltered, schemaChanges,
                elapsed.toNanos() / 1e9, rowsPerSecond());
    }
}
