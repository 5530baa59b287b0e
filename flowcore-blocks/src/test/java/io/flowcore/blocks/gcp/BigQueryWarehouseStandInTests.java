package io.flowcore.blocks.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.WriteMode;
import io.flowcore.blocks.testing.Parquet;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BigQueryWarehouse against a stand-in: WireMock answering BigQuery's REST API as the real client was
 * recorded talking to it (a resumable upload POST then PUT, or a jobs.insert for a gs:// URI, then
 * jobs.get polling; no BigQuery emulator runs here). The tests assert the load-job requests the real
 * client sends, and read the uploaded Parquet bytes back with DuckDB to check the payload.
 */
class BigQueryWarehouseStandInTests {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JOBS = "/bigquery/v2/projects/p/jobs";
    static final String UPLOAD = "/upload/bigquery/v2/projects/p/jobs";
    static final String QUERIES = "/bigquery/v2/projects/p/queries";

    /** BigQuery's answer to a one-row, one-column count query (jobs.query). */
    static String count(long n) {
        return "{\"kind\":\"bigquery#queryResponse\",\"schema\":{\"fields\":[{\"name\":\"n\",\"type\":\"INTEGER\","
                + "\"mode\":\"NULLABLE\"}]},\"jobReference\":{\"projectId\":\"p\",\"jobId\":\"q-1\",\"location\":\"US\"},"
                + "\"totalRows\":\"1\",\"rows\":[{\"f\":[{\"v\":\"" + n + "\"}]}],\"jobComplete\":true,\"cacheHit\":false}";
    }

    @TempDir
    Path dir;
    WireMockServer wm;
    BigQueryWarehouse warehouse;

    static String job(String errorMessage) {
        return "{\"kind\":\"bigquery#job\",\"id\":\"p:US.job-1\",\"jobReference\":{\"projectId\":\"p\",\"jobId\":\"job-1\","
                + "\"location\":\"US\"},\"configuration\":{\"load\":{\"destinationTable\":{\"projectId\":\"p\","
                + "\"datasetId\":\"trips_data_all\",\"tableId\":\"trips\"},\"sourceFormat\":\"PARQUET\"}},"
                + "\"status\":{\"state\":\"DONE\"" + (errorMessage == null ? "" : ",\"errorResult\":{\"reason\":\"invalid\","
                + "\"message\":\"" + errorMessage + "\"}") + "},"
                + "\"statistics\":{\"creationTime\":\"1\",\"startTime\":\"2\",\"endTime\":\"3\",\"load\":{\"outputRows\":\"1000\"}}}";
    }

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
        String host = "http://localhost:" + wm.port();
        wm.stubFor(get(urlPathEqualTo("/bigquery/v2/projects/p/datasets/trips_data_all"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":404,\"message\":\"Not found: Dataset p:trips_data_all\"}}")));
        wm.stubFor(post(urlPathEqualTo("/bigquery/v2/projects/p/datasets")).willReturn(okJson(
                "{\"datasetReference\":{\"projectId\":\"p\",\"datasetId\":\"trips_data_all\"},\"location\":\"US\"}")));
        wm.stubFor(post(urlPathEqualTo(UPLOAD)).withQueryParam("uploadType", equalTo("resumable"))
                .willReturn(aResponse().withStatus(200).withHeader("Location", host + UPLOAD + "?uploadType=resumable&upload_id=UP1")));
        wm.stubFor(put(urlPathEqualTo(UPLOAD)).withQueryParam("upload_id", equalTo("UP1")).willReturn(okJson(job(null))));
        wm.stubFor(get(urlPathMatching(JOBS + "/.*")).willReturn(okJson(job(null))));
        wm.stubFor(post(urlPathEqualTo(JOBS)).willReturn(okJson(job(null))));
        wm.stubFor(post(urlPathEqualTo(QUERIES)).willReturn(okJson(count(0))));   // the partition is empty
        warehouse = new BigQueryWarehouse("p", "trips_data_all", "US", null, host);
    }

    @AfterEach
    void stop() {
        warehouse.close();
        wm.stop();
    }

    JsonNode loadConfig(String path) throws Exception {
        List<LoggedRequest> posts = wm.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertEquals(1, posts.size(), "one load job");
        JsonNode body = JSON.readTree(posts.get(0).getBodyAsString());
        assertTrue(body.path("jobReference").path("jobId").asText().startsWith("flowcore-load-"), body.toString());
        assertEquals("US", body.path("jobReference").path("location").asText());
        return body.path("configuration").path("load");
    }

    @Test
    void replacingAMonthLoadsThroughThePartitionDecoratorWithWriteTruncate() throws Exception {
        Path jan = Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0);
        assertEquals(1000, warehouse.load(jan, "trips", WriteMode.replacePartition("pickup", "202101")));

        JsonNode load = loadConfig(UPLOAD);
        assertEquals("trips$202101", load.path("destinationTable").path("tableId").asText());
        assertEquals("trips_data_all", load.path("destinationTable").path("datasetId").asText());
        assertEquals("WRITE_TRUNCATE", load.path("writeDisposition").asText());
        assertEquals("CREATE_IF_NEEDED", load.path("createDisposition").asText());
        assertEquals("PARQUET", load.path("sourceFormat").asText());
        assertEquals("MONTH", load.path("timePartitioning").path("type").asText());
        assertEquals("pickup", load.path("timePartitioning").path("field").asText());

        // The dataset was missing (404), so it was created in the block's location.
        JsonNode ds = JSON.readTree(wm.findAll(postRequestedFor(urlPathEqualTo("/bigquery/v2/projects/p/datasets"))).get(0).getBodyAsString());
        assertEquals("trips_data_all", ds.path("datasetReference").path("datasetId").asText());
        assertEquals("US", ds.path("location").asText());

        // The uploaded bytes are the Parquet file: DuckDB reads them back.
        ByteArrayOutputStream uploaded = new ByteArrayOutputStream();
        List<LoggedRequest> puts = wm.findAll(putRequestedFor(urlPathEqualTo(UPLOAD)));
        for (LoggedRequest r : puts) uploaded.write(r.getBody());
        long size = Files.size(jan);
        assertEquals("bytes 0-" + (size - 1) + "/" + size, puts.get(puts.size() - 1).getHeader("Content-Range"));
        Path back = Files.write(dir.resolve("uploaded.parquet"), uploaded.toByteArray());
        assertEquals(1000L, ((Number) Parquet.scalar("SELECT count(*) FROM read_parquet('" + back + "')")).longValue());
        assertEquals(499_500L, ((Number) Parquet.scalar("SELECT sum(id) FROM read_parquet('" + back + "')")).longValue());
        assertEquals("2021-01", Parquet.scalar("SELECT DISTINCT strftime(pickup, '%Y-%m') FROM read_parquet('" + back + "')"));
        wm.verify(getRequestedFor(urlPathMatching(JOBS + "/.*")));
    }

    @Test
    void appendAndTruncateUseThePlainTable() throws Exception {
        warehouse.load(Parquet.trips(dir.resolve("a.parquet"), "2021-01", 10, 0), "trips", WriteMode.append());
        JsonNode load = loadConfig(UPLOAD);
        assertEquals("trips", load.path("destinationTable").path("tableId").asText());
        assertEquals("WRITE_APPEND", load.path("writeDisposition").asText());
        assertTrue(load.path("timePartitioning").isMissingNode());
    }

    @Test
    void gcsUrisLoadWithAJobInsert() throws Exception {
        warehouse.load(URI.create("gs://dtc-lake/data/yellow/*.parquet"), "trips", WriteMode.truncate());
        JsonNode load = loadConfig(JOBS);
        assertEquals("gs://dtc-lake/data/yellow/*.parquet", load.path("sourceUris").get(0).asText());
        assertEquals("WRITE_TRUNCATE", load.path("writeDisposition").asText());
        assertEquals("trips", load.path("destinationTable").path("tableId").asText());
    }

    @Test
    void aFailedLoadJobIsAnErrorNamingTheJobAndTable() {
        wm.stubFor(get(urlPathMatching(JOBS + "/.*")).willReturn(okJson(job("Provided Schema does not match Table"))));
        BlockException e = assertThrows(BlockException.class,
                () -> warehouse.load(Parquet.trips(dir.resolve("a.parquet"), "2021-01", 10, 0), "trips", WriteMode.append()));
        assertTrue(e.getMessage().matches("big-query-warehouse: load job flowcore-load-\\S+ into p\\.trips_data_all\\.trips failed,"
                + " the table is unchanged: Provided Schema does not match Table"), e.getMessage());
    }

    @Test
    void badTableNamesNeverReachBigQuery() {
        Path f = Parquet.trips(dir.resolve("a.parquet"), "2021-01", 1, 0);
        assertThrows(BlockException.class, () -> warehouse.load(f, "trips$2021", WriteMode.append()));
        assertThrows(BlockException.class, () -> warehouse.load(f, "a.b", WriteMode.append()));
        assertThrows(BlockException.class, () -> warehouse.load(URI.create("s3://x/y.parquet"), "trips", WriteMode.append()));
        assertEquals(0, wm.getAllServeEvents().size());
    }
}
