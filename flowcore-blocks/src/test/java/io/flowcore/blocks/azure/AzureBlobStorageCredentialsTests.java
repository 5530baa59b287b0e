package io.flowcore.blocks.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.FlowcoreBlockTypes;
import io.flowcore.engine.Blocks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Azure blocks' configuration: which credentials are accepted, how they are stored and printed. */
class AzureBlobStorageCredentialsTests {
    @TempDir
    Path home;

    @Test
    void bothTypesAreRegisteredUnderStableSlugs() {
        assertTrue(new FlowcoreBlockTypes().blockTypes().contains(AzureBlobStorageCredentials.class));
        assertTrue(new FlowcoreBlockTypes().blockTypes().contains(AzureBlobContainer.class));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(AzureBlobStorageCredentials.class, blocks.types().get("azure-blob-storage-credentials"));
            assertEquals(AzureBlobContainer.class, blocks.types().get("azure-blob-container"));
        }
    }

    @Test
    void theContainerLoadsWithItsCredentialsBlockAndEverySecretIsEncryptedAtRest() throws Exception {
        String key = "key-" + UUID.randomUUID();
        String sas = "sv=2025-01-05&sig=" + UUID.randomUUID();
        String cs = "DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=" + UUID.randomUUID() + ";";
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("az-key", AzureBlobStorageCredentials.accountKey("dtclake", Secret.of(key)));
            blocks.save("az-sas", AzureBlobStorageCredentials.sasToken("https://dtclake.blob.core.windows.net", Secret.of(sas)));
            blocks.save("az-cs", AzureBlobStorageCredentials.connectionString(Secret.of(cs)));
            blocks.save("az-lake", AzureBlobContainer.of("taxi", "data", "az-key"));

            AzureBlobContainer lake = blocks.load("az-lake", AzureBlobContainer.class);
            assertEquals("taxi", lake.container());
            assertEquals("data", lake.basePath());
            assertEquals(key, lake.credentials().get().accountKey().reveal());
            assertEquals("dtclake", lake.credentials().get().accountName());
            assertEquals(sas, blocks.load("az-sas", AzureBlobStorageCredentials.class).sasToken().reveal());
            assertEquals(cs, blocks.load("az-cs", AzureBlobStorageCredentials.class).connectionString().reveal());

            String masked = blocks.toMaskedJson(lake.credentials().get());
            assertTrue(masked.contains("\"accountKey\" : \"********\""), masked);
            assertFalse(masked.contains(key), masked);
            assertFalse(lake.credentials().get().toString().contains(key));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT group_concat(document) FROM blocks")) {
            rs.next();
            String stored = rs.getString(1);
            assertTrue(stored.contains("\"accountKey\" : \"aesgcm:v1:"), stored);
            assertFalse(stored.contains(key), stored);
            assertFalse(stored.contains(sas), stored);
            assertFalse(stored.contains(cs), stored);
        }
    }

    @Test
    void exactlyOneWayToAuthenticateIsAccepted() {
        Secret s = Secret.of("x");
        BlockException none = assertThrows(BlockException.class,
                () -> new AzureBlobStorageCredentials(null, null, null, null, null));
        assertTrue(none.getMessage().startsWith("azure-blob-storage-credentials needs one of 'connectionString', "
                + "'accountName' + 'accountKey', or 'sasToken'"), none.getMessage());
        BlockException two = assertThrows(BlockException.class, () -> new AzureBlobStorageCredentials(s, "a", s, null, null));
        assertTrue(two.getMessage().contains("only one of 'connectionString', 'accountKey' and 'sasToken'"), two.getMessage());
        BlockException keyWithoutAccount = assertThrows(BlockException.class,
                () -> new AzureBlobStorageCredentials(null, null, s, null, null));
        assertTrue(keyWithoutAccount.getMessage().contains("'accountKey' needs 'accountName'"), keyWithoutAccount.getMessage());
        BlockException sasWithoutWhere = assertThrows(BlockException.class,
                () -> new AzureBlobStorageCredentials(null, null, null, s, null));
        assertTrue(sasWithoutWhere.getMessage().contains("'sasToken' needs 'accountName' or 'endpoint'"),
                sasWithoutWhere.getMessage());
        BlockException csWithEndpoint = assertThrows(BlockException.class,
                () -> new AzureBlobStorageCredentials(s, null, null, null, "http://127.0.0.1:10000/x"));
        assertTrue(csWithEndpoint.getMessage().contains("the endpoint of a 'connectionString' is part of it"),
                csWithEndpoint.getMessage());
    }

    @Test
    void theServiceUrlDefaultsToTheAccountsPublicEndpoint() {
        assertEquals("https://dtclake.blob.core.windows.net",
                AzureBlobStorageCredentials.accountKey("dtclake", Secret.of("k")).credentials().buildClient().getAccountUrl());
        assertEquals("http://127.0.0.1:10000/devstoreaccount1",
                AzureBlobStorageCredentials.sasToken("http://127.0.0.1:10000/devstoreaccount1/", Secret.of("?sv=1&sig=2"))
                        .credentials().buildClient().getAccountUrl());
    }

    @Test
    void aMalformedConnectionStringFailsWithoutQuotingIt() {
        String cs = "AccountName=lake;AccountKey=sekrit-" + UUID.randomUUID() + ";Nonsense";
        BlockException e = assertThrows(BlockException.class,
                () -> AzureBlobStorageCredentials.connectionString(Secret.of(cs)).credentials());
        assertTrue(e.getMessage().startsWith("azure-blob-storage-credentials: 'connectionString' is not a valid Azure Storage "
                + "connection string"), e.getMessage());
        assertFalse(e.getMessage().contains("sekrit-"), e.getMessage());
        assertEquals(null, e.getCause(), "the parser's exception may quote the string, so it is not kept");
    }

    @Test
    void aContainerNeedsAValidContainerName() {
        BlockRef<AzureBlobStorageCredentials> creds =
                BlockRef.of("c", AzureBlobStorageCredentials.accountKey("a", Secret.of("k")));
        BlockException missing = assertThrows(BlockException.class, () -> new AzureBlobContainer(" ", null, creds));
        assertEquals("azure-blob-container needs a 'container'", missing.getMessage());
        BlockException bad = assertThrows(BlockException.class, () -> new AzureBlobContainer("Taxi_Data", null, creds));
        assertTrue(bad.getMessage().contains("'Taxi_Data' is not a valid container name"), bad.getMessage());
        BlockException noCreds = assertThrows(BlockException.class, () -> new AzureBlobContainer("taxi", null, null));
        assertTrue(noCreds.getMessage().contains("needs 'credentials'"), noCreds.getMessage());
    }
}
