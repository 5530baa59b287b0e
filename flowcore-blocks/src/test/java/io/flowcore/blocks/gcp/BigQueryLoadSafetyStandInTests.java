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
import static io.flowcore.blocks.gcp.BigQueryWarehouseStandInTests.JOBS;
import static io.flowcore.blocks.gcp.BigQueryWarehouseStandInTests.JSON;
import static io.flowcore.blocks.gcp.BigQueryWarehouseStandInTests.QUERIES;
import static io.flowcore.blocks.gcp.BigQueryWarehouseStandInTests.UPLOAD;
import static io.flowcore.blocks.gcp.BigQueryWarehouseStandInTests.count;
import static io.flowcore.blocks.gcp.BigQueryWarehouseStandInTests.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.WriteMode;
import io.flowcore.blocks.testing.Parquet;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BigQueryWarehouse's data-safety rules against the WireMock stand-in of BigQuery's REST API (no
 * BigQuery emulator runs here): the shrink guard reads the partition's row count from
 * INFORMATION_SCHEMA.PARTITIONS before any job, and load job ids are deterministic so a retry finds the
 * earlier job (409) instead of loading twice.
 */
class BigQueryLoadSafetyStandInTests {
    @TempDir
    Path dir;
    WireMockServer wm;
    BigQueryWarehouse warehouse;
    final WriteMode.ReplacePartition jan = WriteMode.replacePartition("pickup", "202101");

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
        String host = "http://localhost:" + wm.port();
        wm.stubFor(get(urlPathEqualTo("/bigquery/v2/projects/p/datasets/trips_data_all")).willReturn(okJson(
                "{\"datasetReference\":{\"projectId\":\"p\",\"datasetId\":\"trips_data_all\"},\"location\":\"US\"}")));
        wm.stubFor(post(urlPathEqualTo(UPLOAD)).withQueryParam("uploadType", equalTo("resumable"))
                .willReturn(aResponse().withStatus(200).withHeader("Location", host + UPLOAD + "?uploadType=resumable&upload_id=UP1")));
        wm.stubFor(put(urlPathEqualTo(UPLOAD)).withQueryParam("upload_id", equalTo("UP1")).willReturn(okJson(job(null))));
        wm.stubFor(get(urlPathMatching(JOBS + "/.*")).willReturn(okJson(job(null))));
        wm.stubFor(post(urlPathEqualTo(JOBS)).willReturn(okJson(job(null))));
        wm.stubFor(post(urlPathEqualTo(QUERIES)).willReturn(okJson(count(1000))));   // January holds 1000 rows
        warehouse = new BigQueryWarehouse("p", "trips_data_all", "US", null, host);
    }

    @AfterEach
    void stop() {
        warehouse.close();
        wm.stop();
    }

    List<String> jobIdsSent(String path) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (var r : wm.findAll(postRequestedFor(urlPathEqualTo(path)))) {
            ids.add(JSON.readTree(r.getBodyAsString()).path("jobReference").path("jobId").asText());
        }
        return ids;
    }

    @Test
    void aReplacementThatWouldEmptyOrHalveTheMonthIsRefusedBeforeAnyJobRuns() throws Exception {
        Path empty = Parquet.trips(dir.resolve("empty.parquet"), "2021-01", 0, 0);
        PartitionShrinkException e = assertThrows(PartitionShrinkException.class, () -> warehouse.load(empty, "trips", jan));
        assertTrue(e.getMessage().startsWith("refusing to replace partition 202101 of table p.trips_data_all.trips in"
                + " big-query-warehouse: it holds 1000 rows and the new data has 0;"), e.getMessage());
        Path few = Parquet.trips(dir.resolve("few.parquet"), "2021-01", 400, 0);
        e = assertThrows(PartitionShrinkException.class, () -> warehouse.load(few, "trips", jan));
        assertEquals(List.of(1000L, 400L), List.of(e.oldRows(), e.newRows()));
        assertEquals(0, wm.findAll(postRequestedFor(urlPathEqualTo(UPLOAD))).size(), "no load job was started");

        // The old count is the partition's, read from the metadata view with bound parameters.
        JsonNode query = JSON.readTree(wm.findAll(postRequestedFor(urlPathEqualTo(QUERIES))).get(0).getBodyAsString());
        assertTrue(query.path("query").asText().contains("`p.trips_data_all.INFORMATION_SCHEMA.PARTITIONS`"), query.toString());
        assertTrue(query.toString().contains("\"202101\"") && query.toString().contains("\"trips\""), query.toString());

        assertEquals(1000, warehouse.load(few, "trips", jan.force()));
        assertEquals(1, wm.findAll(postRequestedFor(urlPathEqualTo(UPLOAD))).size(), "forced, the load ran");
    }

    @Test
    void aGcsSourceIsCountedByBigQueryBeforeItsMonthIsReplaced() throws Exception {
        String queryJob = "{\"kind\":\"bigquery#job\",\"id\":\"p:US.count-1\",\"jobReference\":{\"projectId\":\"p\","
                + "\"jobId\":\"count-1\",\"location\":\"US\"},\"configuration\":{\"query\":{\"query\":\"SELECT COUNT(*) AS n"
                + " FROM source\",\"destinationTable\":{\"projectId\":\"p\",\"datasetId\":\"_anon\",\"tableId\":\"anon1\"}}},"
                + "\"status\":{\"state\":\"DONE\"},\"statistics\":{\"creationTime\":\"1\",\"startTime\":\"2\","
                + "\"endTime\":\"3\",\"query\":{}}}";
        wm.stubFor(post(urlPathEqualTo(JOBS)).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"query\""))
                .willReturn(okJson(queryJob)));
        wm.stubFor(get(urlPathEqualTo(JOBS + "/count-1")).willReturn(okJson(queryJob)));
        wm.stubFor(get(urlPathEqualTo(QUERIES + "/count-1")).willReturn(okJson(count(0)
                .replace("bigquery#queryResponse", "bigquery#getQueryResultsResponse").replace("q-1", "count-1"))));
        wm.stubFor(get(urlPathEqualTo("/bigquery/v2/projects/p/datasets/_anon/tables/anon1/data")).willReturn(okJson(
                "{\"kind\":\"bigquery#tableDataList\",\"totalRows\":\"1\",\"rows\":[{\"f\":[{\"v\":\"0\"}]}]}")));
        URI source = URI.create("gs://dtc-lake/data/yellow/yellow_tripdata_2021-01.parquet");
        PartitionShrinkException e = assertThrows(PartitionShrinkException.class, () -> warehouse.load(source, "trips", jan));
        assertEquals(List.of(1000L, 0L), List.of(e.oldRows(), e.newRows()));
        JsonNode count = JSON.readTree(wm.findAll(postRequestedFor(urlPathEqualTo(JOBS))).get(0).getBodyAsString())
                .path("configuration").path("query");
        assertEquals("gs://dtc-lake/data/yellow/yellow_tripdata_2021-01.parquet",
                count.path("tableDefinitions").path("source").path("sourceUris").get(0).asText(), count.toString());
        assertEquals(1, wm.findAll(postRequestedFor(urlPathEqualTo(JOBS))).size(), "only the count ran, no load job");
    }

    @Test
    void aLoadJobIdIsDerivedFromTargetModeAndContent() throws Exception {
        Path a = Parquet.trips(dir.resolve("a.parquet"), "2021-01", 1000, 0);
        Path sameBytes = Parquet.trips(dir.resolve("b.parquet"), "2021-01", 1000, 0);
        Path other = Parquet.trips(dir.resolve("c.parquet"), "2021-01", 1000, 7);
        warehouse.load(a, "trips", jan);
        warehouse.load(sameBytes, "trips", jan);
        warehouse.load(other, "trips", jan);
        warehouse.load(a, "trips", WriteMode.append());
        List<String> ids = jobIdsSent(UPLOAD);
        assertTrue(ids.get(0).matches("flowcore-load-[0-9a-f]{40}"), ids.get(0));
        assertEquals(ids.get(0), ids.get(1), "the same bytes into the same partition: the same job");
        assertNotEquals(ids.get(0), ids.get(2), "other bytes: another job");
        assertNotEquals(ids.get(0), ids.get(3), "another mode: another job");
    }

    @Test
    void aRetryFindsTheEarlierJobThroughTheDuplicateAndWaitsForItInsteadOfLoadingAgain() throws Exception {
        wm.stubFor(post(urlPathEqualTo(UPLOAD)).withQueryParam("uploadType", equalTo("resumable")).willReturn(aResponse()
                .withStatus(409).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":409,\"message\":\"Already Exists: Job p:US.flowcore-load-x\",\"status\":\"ALREADY_EXISTS\"}}")));
        Path f = Parquet.trips(dir.resolve("a.parquet"), "2021-01", 1000, 0);
        assertEquals(1000, warehouse.load(f, "trips", jan), "the earlier job's rows");
        assertEquals(0, wm.findAll(putRequestedFor(urlPathEqualTo(UPLOAD))).size(), "no bytes were sent again");
        String id = jobIdsSent(UPLOAD).get(0);
        assertEquals(1, wm.findAll(getRequestedFor(urlPathEqualTo(JOBS + "/" + id))).size(), "the job was read by its id");

        // The same for a gs:// load, whose job is inserted directly.
        wm.stubFor(post(urlPathEqualTo(JOBS)).willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":409,\"message\":\"Already Exists: Job p:US.x\",\"status\":\"ALREADY_EXISTS\"}}")));
        assertEquals(1000, warehouse.load(URI.create("gs://dtc-lake/data/yellow/2021-01.parquet"), "trips", WriteMode.append()));
        String uriJob = jobIdsSent(JOBS).get(0);
        assertEquals(1, jobIdsSent(JOBS).size(), "no second job was inserted");
        assertTrue(wm.findAll(getRequestedFor(urlPathEqualTo(JOBS + "/" + uriJob))).size() >= 1, "the job was read by its id");
    }

    @Test
    void anInterruptedWaitSaysTheOutcomeIsUnknownAndNamesTheJobNeverThatTheTableIsUnchanged() throws Exception {
        wm.stubFor(get(urlPathMatching(JOBS + "/.*")).willReturn(okJson(job(null).replace("\"state\":\"DONE\"", "\"state\":\"RUNNING\""))));
        CountDownLatch polled = new CountDownLatch(1);
        wm.addMockServiceRequestListener((req, resp) -> {
            if (req.getMethod().getName().equals("GET") && req.getUrl().startsWith(JOBS + "/")) polled.countDown();
        });
        Path f = Parquet.trips(dir.resolve("a.parquet"), "2021-01", 1000, 0);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread loader = Thread.ofPlatform().start(() -> {
            try {
                warehouse.load(f, "trips", jan);
            } catch (Throwable t) {
                error.set(t);
            }
        });
        assertTrue(polled.await(30, TimeUnit.SECONDS), "the load waits for its job");
        loader.interrupt();
        loader.join(30_000);
        assertFalse(loader.isAlive());
        BlockException e = (BlockException) error.get();
        String id = jobIdsSent(UPLOAD).get(0);
        assertTrue(e.getMessage().startsWith("big-query-warehouse: load job " + id + " into p.trips_data_all.trips$202101:"
                + " the outcome is unknown (interrupted while waiting for it); the job may still commit."), e.getMessage());
        assertFalse(e.getMessage().contains("unchanged"), e.getMessage());
    }
}
