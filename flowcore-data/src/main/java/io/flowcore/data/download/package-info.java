/**
 * {@link io.flowcore.data.download.Downloader}: HTTP downloads with progress, retries, a body idle timeout,
 * Range + If-Range resume (never splicing two versions of a file), a size and completeness check of
 * .gz/.parquet files and SHA-256.
 */
package io.flowcore.data.download;
