package io.flowcore.blocks.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.bigquery.QueryJobConfiguration;
import io.flowcore.api.block.WriteMode;
import io.flowcore.blocks.testing.Parquet;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BigQueryWarehouse against real BigQuery: runs only with FLOWCORE_GCP_LIVE=1, FLOWCORE_GCP_PROJECT,
 * FLOWCORE_BQ_DATASET and application-default credentials.
 */
class BigQueryWarehouseLiveTests {
    @TempDir
    Path dir;

    @Test
    void replacingAMonthTwiceLeavesOneCopy() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("FLOWCORE_GCP_LIVE")),
                "live BigQuery test skipped: set FLOWCORE_GCP_LIVE=1, FLOWCORE_GCP_PROJECT, FLOWCORE_BQ_DATASET and credentials");
        String project = System.getenv("FLOWCORE_GCP_PROJECT");
        String dataset = System.getenv("FLOWCORE_BQ_DATASET");
        Assumptions.assumeTrue(project != null && dataset != null, "live BigQuery test skipped: FLOWCORE_GCP_PROJECT/FLOWCORE_BQ_DATASET unset");
        try (BigQueryWarehouse bq = new BigQueryWarehouse(project, dataset, System.getenv("FLOWCORE_BQ_LOCATION"), null, null)) {
            String table = "flowcore_live_" + System.currentTimeMillis();
            Path jan = Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0);
            try {
                bq.load(jan, table, WriteMode.replacePartition("pickup", "202101"));
                bq.load(jan, table, WriteMode.replacePartition("pickup", "202101"));
                long n = bq.bigQuery().query(QueryJobConfiguration.of("SELECT count(*) FROM `" + project + "." + dataset + "." + table + "`"))
                        .iterateAll().iterator().next().get(0).getLongValue();
                assertEquals(1000, n);
            } finally {
                bq.bigQuery().delete(com.google.cloud.bigquery.TableId.of(project, dataset, table));
            }
        }
    }
}
