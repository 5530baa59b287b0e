package io.flowcore.examples.taxi.data;

import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.SchemaChange;
import io.flowcore.data.download.DownloadOptions;
import io.flowcore.data.download.DownloadResult;
import io.flowcore.data.download.Downloader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole data path over real HTTP: local server → downloader → converter → Parquet read by DuckDB. */
@DisplayName("web → Parquet")
class WebToParquetTests {
    @TempDir
    Path dir;

    @Test
    void downloadsAndConvertsANormalAndADriftedMonthIntoTheSameCanonicalParquet() throws Exception {
        MonthSpec jan = MonthSpec.of(Service.YELLOW, 2021, 1), feb = MonthSpec.of(Service.YELLOW, 2021, 2);
        ServerOptions opts = ServerOptions.defaults(dir.resolve("cache")).withMonths(m -> m.equals(feb)
                ? GeneratorOptions.rows(6_000).withDrift(DriftProfile.ALL) : GeneratorOptions.rows(5_000));
        Downloader downloader = new Downloader(DownloadOptions.defaults().withRetries(3, Duration.ofMillis(10)));
        FileConverter converter = new FileConverter(ConversionOptions.defaults().withFilter(TaxiSchema::dropZeroPassengerCount));
        try (TaxiDataServer server = TaxiDataServer.start(opts)) {
            for (MonthSpec month : List.of(jan, feb)) {
                DownloadResult csv = downloader.download(server.csvGzUri(month), dir.resolve("web/" + month.baseName() + ".csv.gz"));
                DownloadResult tlc = downloader.download(server.parquetUri(month), dir.resolve("web/" + month.baseName() + ".parquet"));
                for (DownloadResult d : List.of(csv, tlc)) {
                    Path out = dir.resolve("data/yellow/" + d.file().getFileName() + ".out.parquet");
                    ConversionSummary s = converter.toParquet(d.file(), TaxiSchema.canonical(Service.YELLOW), out, ParquetOptions.defaults());
                    long expected = month.equals(feb) ? 6_000 : 5_000;
                    assertEquals(expected, s.rowsRead(), d.file().toString());
                    assertEquals(expected - s.rowsFiltered(), DuckDb.parquetRows(out));
                    Map<String, String> types = DuckDb.parquetTypes(out);
                    assertEquals("BIGINT", types.get("passenger_count"), out.toString());
                    assertEquals("DOUBLE", types.get("airport_fee"), out.toString());
                    assertEquals("TIMESTAMP", types.get("tpep_pickup_datetime"), out.toString());
                    List<String> changes = s.schemaChanges().stream().map(SchemaChange::toString).toList();
                    if (month.equals(jan)) assertEquals(List.of(), changes, d.file().toString());
                    else assertTrue(changes.contains("passenger_count: DOUBLE → INT64"), d.file() + " " + changes);
                }
            }
        }
    }
}
