package io.flowcore.blocks.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.ProgressListener;
import com.azure.storage.blob.BlobContainerClient;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.ObjectStorageBlock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A container in Azure Blob Storage (or Azurite). Files go up as block blobs in parallel blocks of
 * {@value AzureBlobs#BLOCK_BYTES} bytes read from disk, each checked by the service against its MD5, and
 * the blob appears only when its block list is committed: an interrupted or failed upload leaves no blob
 * (and an existing blob of that name as it was). The whole file's MD5 is the blob's Content-MD5, and a
 * download is checked against it before it replaces the target file.
 *
 * <pre>{@code
 * blocks.save("azure-creds", AzureBlobStorageCredentials.connectionString(
 *         Secret.of(System.getenv("AZURE_STORAGE_CONNECTION_STRING"))));
 * blocks.save("azure-lake", AzureBlobContainer.of("taxi", "data", "azure-creds"));
 * }</pre>
 *
 * @param container   the container name (3–63 lower-case letters, digits and single hyphens); it must exist
 * @param basePath    a folder inside the container that keys are relative to, or null
 * @param credentials the {@link AzureBlobStorageCredentials} block, which also says where the service is
 */
@BlockType(description = "An Azure Blob Storage container (parallel block uploads, MD5-checked transfers)")
public record AzureBlobContainer(String container, String basePath, BlockRef<AzureBlobStorageCredentials> credentials)
        implements ObjectStorageBlock, AutoCloseable {
    static final String SLUG = "azure-blob-container";
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]|\\$root");
    /* One JDK HttpClient for every container: it pools connections and needs no closing. */
    private static final HttpClient HTTP = new JdkHttpClientBuilder().build();
    private static final ConcurrentHashMap<AzureBlobContainer, BlobContainerClient> CLIENTS = new ConcurrentHashMap<>();

    public AzureBlobContainer {
        if (container == null || container.isBlank()) throw new BlockException(SLUG + " needs a 'container'");
        if (!CONTAINER_NAME.matcher(container).matches()) {
            throw new BlockException(SLUG + ": '" + container + "' is not a valid container name: use 3 to 63 lower-case"
                    + " letters, digits and single hyphens, starting and ending with a letter or digit");
        }
        if (credentials == null) {
            throw new BlockException(SLUG + " " + container + " needs 'credentials' (the name of an "
                    + "azure-blob-storage-credentials block)");
        }
        if (basePath != null) basePath = basePath.replaceAll("^/+|/+$", "");
    }

    /** A container whose credentials are the saved block {@code credentialsBlock}. */
    public static AzureBlobContainer of(String container, String basePath, String credentialsBlock) {
        return new AzureBlobContainer(container, basePath, BlockRef.named(credentialsBlock));
    }

    private AzureBlobs blobs() {
        BlobContainerClient client = CLIENTS.computeIfAbsent(this,
                b -> b.credentials().get().credentials().httpClient(HTTP).buildClient().getBlobContainerClient(b.container()));
        return new AzureBlobs(client, container, basePath, credentials.get().secretValues());
    }

    @Override
    public String upload(Path file, String key) {
        return blobs().upload(file, key, null);
    }

    /* An upload that reports the bytes sent so far; tests interrupt it half-way. */
    String upload(Path file, String key, ProgressListener progress) {
        return blobs().upload(file, key, progress);
    }

    @Override
    public Path download(String key, Path file) {
        return blobs().download(key, file);
    }

    @Override
    public List<Path> downloadFolder(String prefix, Path folder) {
        return blobs().downloadFolder(prefix, folder);
    }

    @Override
    public List<String> list(String prefix) {
        return blobs().list(prefix);
    }

    @Override
    public boolean exists(String key) {
        return blobs().exists(key);
    }

    @Override
    public boolean delete(String key) {
        return blobs().delete(key);
    }

    /** Forgets this block's client (a later call makes a new one); the shared HTTP connections stay pooled. */
    @Override
    public void close() {
        CLIENTS.remove(this);
    }
}
