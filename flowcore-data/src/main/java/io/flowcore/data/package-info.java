/**
 * Typed, streaming file conversion: a {@link io.flowcore.data.Schema} of {@link io.flowcore.data.Column}s
 * (sealed {@link io.flowcore.data.ColumnType}: integers, doubles, timestamps, text, dates, booleans,
 * decimals), read from CSV, CSV.gz or Parquet into column-major {@link io.flowcore.data.RowBatch}es and
 * written to a {@link io.flowcore.data.BatchSink} (a Parquet file, a CSV.gz file, a PostgreSQL COPY).
 *
 * <p>{@link io.flowcore.data.FileConverter} parses on one thread and writes on the caller's, through a
 * bounded pool of batches (memory stays flat). A file whose columns drifted from the target schema is
 * mapped when that is safe (widened, reordered, missing → NULL, extra → dropped, each change reported as a
 * {@link io.flowcore.data.SchemaChange}) and refused with a {@link io.flowcore.data.SchemaDriftException}
 * when it is not. Bad rows go to a rejects file naming the file, line and column; above
 * {@link io.flowcore.data.ConversionOptions#maxBadRowShare()} nothing is written
 * ({@link io.flowcore.data.BadRowLimitException}).
 *
 * <p>Subpackages: {@code io.flowcore.data.postgres} (binary COPY, identifier checks) and
 * {@code io.flowcore.data.download} (the resuming downloader).
 */
package io.flowcore.data;
