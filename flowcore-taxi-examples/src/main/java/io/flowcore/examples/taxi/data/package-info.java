/**
 * The data path of the NYC taxi pipelines: schemas, a deterministic month generator, a local HTTP
 * data server, a resuming downloader, and streaming conversion into Parquet and PostgreSQL.
 *
 * <ul>
 *   <li>{@link io.flowcore.examples.taxi.data.TaxiSchema}: one canonical schema per
 *       {@link io.flowcore.examples.taxi.data.Service} (yellow, green, fhv), typed by the sealed
 *       {@link io.flowcore.examples.taxi.data.ColumnType}, mapped to Parquet and PostgreSQL types.</li>
 *   <li>{@link io.flowcore.examples.taxi.data.TripGenerator} / {@link io.flowcore.examples.taxi.data.MonthFiles}:
 *       realistic months, seeded by service+year+month, optionally with schema drift
 *       ({@link io.flowcore.examples.taxi.data.DriftProfile}), written as CSV.gz or Parquet.</li>
 *   <li>{@link io.flowcore.examples.taxi.data.TaxiDataServer}: serves generated months under the TLC and
 *       course URL layouts, with Range support.</li>
 *   <li>{@link io.flowcore.examples.taxi.data.Downloader}: progress, retries, a body idle timeout, Range + If-Range resume (never
 *       splicing two versions), size, completeness of .gz/.parquet files and SHA-256.</li>
 *   <li>{@link io.flowcore.examples.taxi.data.MonthConverter}: CSV(.gz)/Parquet → typed batches on one
 *       thread → {@link io.flowcore.examples.taxi.data.ParquetBatchWriter} or
 *       {@link io.flowcore.examples.taxi.data.PostgresCopySink} (binary COPY) on another; schema drift
 *       mapped or refused, bad rows to a rejects file, a
 *       {@link io.flowcore.examples.taxi.data.ConversionSummary} back.</li>
 * </ul>
 *
 * <pre>{@code
 * try (TaxiDataServer server = TaxiDataServer.start(ServerOptions.defaults(Path.of("/tmp/taxi-cache")))) {
 *     MonthSpec jan = MonthSpec.of(Service.YELLOW, 2021, 1);
 *     DownloadResult csv = new Downloader(DownloadOptions.defaults())
 *             .download(server.csvGzUri(jan), Path.of("data/" + jan.baseName() + ".csv.gz"));
 *     ConversionSummary s = new MonthConverter(ConversionOptions.defaults().droppingZeroPassengerCount())
 *             .toParquet(csv.file(), Service.YELLOW, Path.of("data/yellow/" + jan.baseName() + ".parquet"),
 *                     ParquetOptions.defaults());
 * }
 * }</pre>
 */
package io.flowcore.examples.taxi.data;
