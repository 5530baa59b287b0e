package io.flowcore.blocks.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.ServiceAccountCredentials;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.testing.CapturedOutput;
import io.flowcore.engine.Blocks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GCP blocks saved and loaded through Blocks, the lesson's zoom-gcp-creds / zoom-gcs pair. */
class GcpBlocksTests {
    @TempDir
    Path home;

    @Test
    void bucketLoadsWithItsCredentialsBlockAndTheKeyIsEncryptedAtRest() throws Exception {
        String json = ServiceAccountKeys.fake("dtc-project");
        String marker = json.substring(json.indexOf("BEGIN PRIVATE KEY") + 30, json.indexOf("BEGIN PRIVATE KEY") + 90);
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("zoom-gcp-creds", GcpCredentials.serviceAccount(Secret.of(json), "dtc-project"));
            blocks.save("zoom-gcs", GcsBucket.of("dtc-lake", "data", "zoom-gcp-creds"));
            blocks.save("zoom-bq", BigQueryWarehouse.of("dtc-project", "trips_data_all", "EU", "zoom-gcp-creds"));

            GcsBucket gcs = blocks.load("zoom-gcs", GcsBucket.class);
            assertEquals("dtc-project", gcs.credentials().get().projectId());
            ServiceAccountCredentials sa = assertInstanceOf(ServiceAccountCredentials.class, gcs.credentials().get().credentials());
            assertEquals("flows@dtc-project.iam.gserviceaccount.com", sa.getClientEmail());
            assertEquals("dtc-project", blocks.load("zoom-bq", BigQueryWarehouse.class).credentials().get().projectId());

            String masked = blocks.toMaskedJson(gcs.credentials().get());
            assertTrue(masked.contains("\"serviceAccountInfo\" : \"********\""), masked);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT group_concat(document) FROM blocks")) {
            rs.next();
            assertFalse(rs.getString(1).contains(marker));
            assertFalse(rs.getString(1).contains("PRIVATE KEY"));
        }
    }

    @Test
    void anInvalidKeyFailsWithoutQuotingIt() {
        String broken = "{\"type\":\"service_account\",\"private_key\":\"sekrit-bits-42\"}";
        try (CapturedOutput out = new CapturedOutput()) {
            BlockException e = assertThrows(BlockException.class,
                    () -> GcpCredentials.serviceAccount(Secret.of(broken), "p").credentials());
            assertTrue(e.getMessage().startsWith("gcp-credentials: cannot build credentials from the service-account JSON"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("sekrit-bits-42"));
            assertFalse(out.all().contains("sekrit-bits-42"));
        }
    }
}
