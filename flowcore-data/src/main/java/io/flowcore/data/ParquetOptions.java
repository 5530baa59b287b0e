package io.flowcore.data;

import java.util.Objects;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * How Parquet files are written.
 *
 * @param codec         SNAPPY (default, fastest) or ZSTD (smaller)
 * @param rowGroupBytes the row-group size; parquet-java buffers one row group in memory, so this bounds
 *                      the writer's heap (default 32 MiB)
 * @param pageBytes     the page size (default 1 MiB)
 */
public record ParquetOptions(CompressionCodecName codec, long rowGroupBytes, int pageBytes) {

    /** @throws IllegalArgumentException for codecs other than SNAPPY/ZSTD/UNCOMPRESSED or sizes below 64 KiB */
    public ParquetOptions {
        Objects.requireNonNull(codec, "codec");
        if (codec != CompressionCodecName.SNAPPY && codec != CompressionCodecName.ZSTD
                && codec != CompressionCodecName.UNCOMPRESSED) {
            throw new IllegalArgumentException("codec must be SNAPPY, ZSTD or UNCOMPRESSED, was " + codec);
        }
        if (rowGroupBytes < 65_536) throw new IllegalArgumentException("rowGroupBytes must be >= 65536, was " + rowGroupBytes);
        if (pageBytes < 4_096) throw new IllegalArgumentException("pageBytes must be >= 4096, was " + pageBytes);
    }

    /** SNAPPY, 32 MiB row groups, 1 MiB pages. */
    public static ParquetOptions defaults() {
        return new ParquetOptions(CompressionCodecName.SNAPPY, 32L << 20, 1 << 20);
    }

    /** A copy with {@code codec}. */
    public ParquetOptions withCodec(CompressionCodecName codec) {
        return new ParquetOptions(codec, rowGroupBytes, pageBytes);
    }
}
