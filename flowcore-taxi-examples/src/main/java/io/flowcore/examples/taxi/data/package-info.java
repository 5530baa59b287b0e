/**
 * The taxi side of the NYC taxi pipelines' data path: schemas and rules, a deterministic month
 * generator and a local HTTP data server. The generic path (conversion, Parquet, PostgreSQL COPY,
 * the downloader) is the {@code flowcore-data} module ({@code io.flowcore.data}).
 *
 * <ul>
 *   <li>{@link io.flowcore.examples.taxi.data.TaxiSchema}: one canonical {@link io.flowcore.data.Schema} per
 *       {@link io.flowcore.examples.taxi.data.Service} (yellow, green, fhv), and the lesson's
 *       passenger-count filter.</li>
 *   <li>{@link io.flowcore.examples.taxi.data.TripGenerator} / {@link io.flowcore.examples.taxi.data.MonthFiles}:
 *       realistic months, seeded by service+year+month, optionally with schema drift
 *       ({@link io.flowcore.examples.taxi.data.DriftProfile}), written as CSV.gz or Parquet.</li>
 *   <li>{@link io.flowcore.examples.taxi.data.TaxiDataServer}: serves generated months under the TLC and
 *       course URL layouts, with Range support.</li>
 * </ul>
 *
 * <pre>{@code
 * try (TaxiDataServer server = TaxiDataServer.start(ServerOptions.defaults(Path.of("/tmp/taxi-cache")))) {
 *     MonthSpec jan = MonthSpec.of(Service.YELLOW, 2021, 1);
 *     DownloadResult csv = new Downloader(DownloadOptions.defaults())
 *             .download(server.csvGzUri(jan), Path.of("data/" + jan.baseName() + ".csv.gz"));
 *     ConversionSummary s = new FileConverter(ConversionOptions.defaults().withFilter(TaxiSchema::dropZeroPassengerCount))
 *             .toParquet(csv.file(), TaxiSchema.canonical(Service.YELLOW),
 *                     Path.of("data/yellow/" + jan.baseName() + ".parquet"), ParquetOptions.defaults());
 * }
 * }</pre>
 */
package io.flowcore.examples.taxi.data;
