package io.flowcore.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * How {@link FileConverter} reads and filters a file.
 *
 * @param maxBadRowShare the share of bad rows (0..1) above which the conversion fails; default 0.01 (1 %)
 * @param filter         which rows to keep, given the target schema; default all
 * @param rejectsFile    where rejected rows go, given the source file; default {@code <source>.rejects.csv}
 * @param batchRows      rows per batch handed from the parsing to the writing thread; default 8192
 * @param queueBatches   batches in flight between the two threads (bounds memory); default 4
 */
public record ConversionOptions(double maxBadRowShare, Function<Schema, RowFilter> filter,
                                Function<Path, Path> rejectsFile, int batchRows, int queueBatches) {

    /** @throws IllegalArgumentException naming the bad value */
    public ConversionOptions {
        if (!(maxBadRowShare >= 0 && maxBadRowShare <= 1)) {
            throw new IllegalArgumentException("maxBadRowShare must be within 0..1, was " + maxBadRowShare);
        }
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(rejectsFile, "rejectsFile");
        if (batchRows < 1) throw new IllegalArgumentException("batchRows must be >= 1, was " + batchRows);
        if (queueBatches < 1) throw new IllegalArgumentException("queueBatches must be >= 1, was " + queueBatches);
    }

    /** 1 % bad rows allowed, every row kept, rejects beside the source, 8192-row batches, 4 in flight. */
    public static ConversionOptions defaults() {
        return new ConversionOptions(0.01, s -> RowFilter.all(),
                src -> src.resolveSibling(src.getFileName() + ".rejects.csv"), 8192, 4);
    }

    /** A copy that fails a conversion above {@code share} bad rows. */
    public ConversionOptions withMaxBadRowShare(double share) {
        return new ConversionOptions(share, filter, rejectsFile, batchRows, queueBatches);
    }

    /** A copy that keeps only the rows {@code filter} accepts. */
    public ConversionOptions withFilter(Function<Schema, RowFilter> filter) {
        return new ConversionOptions(maxBadRowShare, filter, rejectsFile, batchRows, queueBatches);
    }

    /** A copy that writes rejected rows to {@code path}. */
    public ConversionOptions withRejectsFile(Path path) {
        return new ConversionOptions(maxBadRowShare, filter, src -> path, batchRows, queueBatches);
    }
}
