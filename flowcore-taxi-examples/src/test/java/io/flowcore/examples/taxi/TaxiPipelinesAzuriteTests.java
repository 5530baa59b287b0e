package io.flowcore.examples.taxi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.flowcore.api.block.Secret;
import io.flowcore.api.state.StateType;
import io.flowcore.blocks.azure.AzureBlobContainer;
import io.flowcore.blocks.azure.AzureBlobStorageCredentials;
import io.flowcore.blocks.local.DuckDbWarehouse;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import io.flowcore.examples.taxi.EtlParentFlow.MonthResult;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The taxi parent flow with its lake in Azure Blob Storage (Azurite, from .ci/test-infra.sh): the flows
 * are the ones {@link TaxiPipelinesTests} runs on a local lake, and only the lake block's name differs.
 */
@DisplayName("the taxi pipelines with an Azure lake")
class TaxiPipelinesAzuriteTests {
    static final int ROWS = 20_000;
    static final String CONTAINER = "flowcore-test";
    @TempDir
    static Path home;
    static TaxiDataServer server;
    static Flowcore fc;
    static BlobContainerClient raw;
    static String basePath;

    @BeforeAll
    static void start() throws Exception {
        String connectionString = TestInfra.require("FLOWCORE_AZURE_CONNECTION_STRING");
        raw = new BlobServiceClientBuilder().connectionString(connectionString).buildClient().getBlobContainerClient(CONTAINER);
        raw.createIfNotExists();
        basePath = "taxi-" + UUID.randomUUID();
        server = TaxiDataServer.start(ServerOptions.defaults(home.resolve("source")).withMonths(GeneratorOptions.rows(ROWS)));
        fc = Flowcore.create(cfg -> cfg.home(home).sleeper(d -> { }));
        fc.blocks().save("azure-creds", AzureBlobStorageCredentials.connectionString(Secret.of(connectionString)));
        fc.blocks().save("azure-lake", AzureBlobContainer.of(CONTAINER, basePath, "azure-creds"));
        fc.blocks().save("warehouse", DuckDbWarehouse.at(home.resolve("warehouse.duckdb")));
    }

    @AfterAll
    static void stop() {
        if (raw != null && basePath != null) {
            for (BlobItem b : raw.listBlobs(new ListBlobsOptions().setPrefix(basePath + "/"), null)) {
                raw.getBlobClient(b.getName()).deleteIfExists();
            }
        }
        if (fc != null) fc.close();
        if (server != null) server.close();
    }

    @Test
    void theParentFlowLandsTheMonthInAzureAndTheWarehouseWhenTheLakeBlockNamesAnAzureContainer() throws Exception {
        TaxiSettings settings = new TaxiSettings(server.baseUri().toString(), home.resolve("work"), "azure-lake", "warehouse",
                "rides", "pg");
        FlowRun<List<MonthResult>> run = fc.execute(EtlParentFlow.class,
                f -> f.etlParentFlow(List.of(1), 2021, "yellow", settings));

        assertEquals(StateType.COMPLETED, run.state().type(), String.valueOf(run.error()));
        MonthResult month = run.result().getFirst();
        assertEquals(ROWS, month.rowsRead());
        assertEquals(month.rowsInLake(), month.rowsInWarehouse());

        String key = "data/yellow/yellow_tripdata_2021-01.parquet";
        List<String> names = new ArrayList<>();
        for (BlobItem b : raw.listBlobs(new ListBlobsOptions().setPrefix(basePath + "/"), null)) names.add(b.getName());
        assertTrue(names.contains(basePath + "/" + key), "the Parquet file is a blob in the container: " + names);

        // What the flow wrote, read back with the plain SDK client: the bytes its metadata describes.
        Path blob = home.resolve("from-azure.parquet");
        raw.getBlobClient(basePath + "/" + key).downloadToFile(blob.toString());
        LakeMetadata meta = LakeMetadata.read(fc.blocks().load("azure-lake", AzureBlobContainer.class), key).orElseThrow();
        assertEquals(TaxiFiles.sha256(blob), meta.sha256());
        assertEquals(month.rowsInLake(), meta.rows());
        DuckDbWarehouse warehouse = fc.blocks().load("warehouse", DuckDbWarehouse.class);
        assertEquals(month.rowsInLake(),
                ((Number) warehouse.query("SELECT count(*) AS n FROM rides_yellow").getFirst().get("n")).longValue());
    }
}
