package io.flowcore.blocks.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.CredentialsBlock;
import io.flowcore.api.block.Secret;

/**
 * Azure Storage credentials, given one of three ways: a connection string, an account name and its
 * access key, or a shared access signature (SAS) token. The connection string, key and token are
 * {@link Secret}s, encrypted in the block store and never printed.
 *
 * <pre>{@code
 * blocks.save("azure-creds", AzureBlobStorageCredentials.accountKey("dtclake", Secret.of(System.getenv("AZURE_STORAGE_KEY"))));
 * }</pre>
 *
 * @param connectionString a connection string ({@code DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…}
 *                         or one with a {@code SharedAccessSignature}); it names its own endpoint
 * @param accountName      the storage account, with {@code accountKey}, or with {@code sasToken} when
 *                         {@code endpoint} is null
 * @param accountKey       the account's access key (base64)
 * @param sasToken         a SAS token ({@code sv=…&sig=…}, a leading {@code ?} is allowed) that grants
 *                         access to the containers and blobs the flows use
 * @param endpoint         the blob service URL, e.g. {@code https://dtclake.blob.core.windows.net} (the
 *                         default from {@code accountName}) or {@code http://127.0.0.1:10000/devstoreaccount1}
 *                         for Azurite; not used with a connection string
 */
@BlockType(description = "Azure Storage credentials: a connection string, an account name and key, or a SAS token")
public record AzureBlobStorageCredentials(Secret connectionString, String accountName, Secret accountKey, Secret sasToken,
                                          String endpoint) implements CredentialsBlock<BlobServiceClientBuilder> {
    private static final String SLUG = "azure-blob-storage-credentials";

    public AzureBlobStorageCredentials {
        int ways = (connectionString != null ? 1 : 0) + (accountKey != null ? 1 : 0) + (sasToken != null ? 1 : 0);
        if (ways == 0) {
            throw new BlockException(SLUG + " needs one of 'connectionString', 'accountName' + 'accountKey', or 'sasToken'"
                    + " (with 'accountName' or 'endpoint')");
        }
        if (ways > 1) {
            throw new BlockException(SLUG + ": give only one of 'connectionString', 'accountKey' and 'sasToken'");
        }
        if (accountKey != null && blank(accountName)) {
            throw new BlockException(SLUG + ": 'accountKey' needs 'accountName' (the storage account it belongs to)");
        }
        if (sasToken != null && blank(accountName) && blank(endpoint)) {
            throw new BlockException(SLUG + ": 'sasToken' needs 'accountName' or 'endpoint' (where the blob service is)");
        }
        if (connectionString != null && (!blank(endpoint) || !blank(accountName))) {
            throw new BlockException(SLUG + ": leave 'accountName' and 'endpoint' empty: the endpoint of a 'connectionString'"
                    + " is part of it");
        }
        if (endpoint != null) endpoint = endpoint.replaceAll("/+$", "");
    }

    /** Credentials from a connection string (the portal's "Access keys" page, or Azurite's). */
    public static AzureBlobStorageCredentials connectionString(Secret connectionString) {
        return new AzureBlobStorageCredentials(connectionString, null, null, null, null);
    }

    /** An account and its access key, at {@code https://<accountName>.blob.core.windows.net}. */
    public static AzureBlobStorageCredentials accountKey(String accountName, Secret accountKey) {
        return new AzureBlobStorageCredentials(null, accountName, accountKey, null, null);
    }

    /** An account and its access key at another blob service URL (Azurite, a sovereign cloud). */
    public static AzureBlobStorageCredentials accountKey(String accountName, Secret accountKey, String endpoint) {
        return new AzureBlobStorageCredentials(null, accountName, accountKey, null, endpoint);
    }

    /** A SAS token for the blob service at {@code endpoint}. */
    public static AzureBlobStorageCredentials sasToken(String endpoint, Secret sasToken) {
        return new AzureBlobStorageCredentials(null, null, null, sasToken, endpoint);
    }

    /**
     * A client builder with this block's endpoint and credential set; the caller adds the HTTP client
     * and other options and builds.
     *
     * @throws BlockException when the connection string cannot be parsed (the message does not quote it)
     */
    @Override
    public BlobServiceClientBuilder credentials() {
        BlobServiceClientBuilder b = new BlobServiceClientBuilder();
        if (connectionString != null) {
            try {
                return b.connectionString(connectionString.reveal());
            } catch (RuntimeException e) {
                // The parser's message may quote the string (and its key), so neither it nor the cause is kept.
                throw new BlockException(SLUG + ": 'connectionString' is not a valid Azure Storage connection string"
                        + " (expected 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;' or one with"
                        + " 'BlobEndpoint=…;SharedAccessSignature=…'); copy it again from the storage account's Access keys");
            }
        }
        String url = blank(endpoint) ? "https://" + accountName + ".blob.core.windows.net" : endpoint;
        b.endpoint(url);
        if (accountKey != null) return b.credential(new StorageSharedKeyCredential(accountName, accountKey.reveal()));
        String sas = sasToken.reveal();
        return b.sasToken(sas.startsWith("?") ? sas.substring(1) : sas);
    }

    /** The secret values of this block, to keep them out of error messages. */
    String[] secretValues() {
        return new String[] {
            connectionString == null ? null : connectionString.reveal(),
            accountKey == null ? null : accountKey.reveal(),
            sasToken == null ? null : sasToken.reveal()
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
