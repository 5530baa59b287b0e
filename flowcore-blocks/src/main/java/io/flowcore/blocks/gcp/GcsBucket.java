package io.flowcore.blocks.gcp;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.ObjectStorageBlock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Google Cloud Storage bucket. Uploads go through a resumable session (an interrupted upload resumes
 * from what GCS acknowledged) with CRC32C and MD5 checked by GCS; downloads are checked against the object's CRC32C before they replace the target file.
 *
 * @param bucket      the bucket name
 * @param baseFolder  a folder inside the bucket that keys are relative to, or null
 * @param credentials the {@link GcpCredentials} block, or null for application-default credentials
 * @param endpoint    a storage endpoint override (an emulator), or null for Google Cloud
 */
@BlockType(description = "A Google Cloud Storage bucket (resumable, checksum-verified transfers)")
public record GcsBucket(String bucket, String baseFolder, BlockRef<GcpCredentials> credentials, String endpoint)
        implements ObjectStorageBlock, AutoCloseable {
    private static final ConcurrentHashMap<GcsBucket, Storage> CLIENTS = new ConcurrentHashMap<>();

    public GcsBucket {
        if (bucket == null || bucket.isBlank()) throw new BlockException("gcs-bucket needs a 'bucket'");
    }

    /** A bucket on Google Cloud with the given credentials block. */
    public static GcsBucket of(String bucket, String baseFolder, String credentialsBlock) {
        return new GcsBucket(bucket, baseFolder, BlockRef.named(credentialsBlock), null);
    }

    /** The Storage client of this block (created on first use). */
    public Storage storage() {
        return CLIENTS.computeIfAbsent(this, GcsBucket::createStorage);
    }

    private static Storage createStorage(GcsBucket b) {
        StorageOptions.Builder o = StorageOptions.newBuilder();
        if (b.endpoint() != null) o.setHost(b.endpoint());
        if (b.credentials() != null) {
            GcpCredentials c = b.credentials().get();
            o.setCredentials(c.credentials());
            if (c.projectId() != null) o.setProjectId(c.projectId());
        } else if (b.endpoint() != null) {
            o.setCredentials(NoCredentials.getInstance());
        }
        return o.build().getService();
    }

    private GcsObjects objects() {
        return new GcsObjects(storage(), bucket, baseFolder);
    }

    @Override
    public String upload(Path file, String key) {
        return objects().upload(file, key);
    }

    @Override
    public List<String> uploadFolder(Path folder, String prefix) {
        return objects().uploadFolder(folder, prefix);
    }

    @Override
    public Path download(String key, Path file) {
        return objects().download(key, file);
    }

    @Override
    public List<Path> downloadFolder(String prefix, Path folder) {
        return objects().downloadFolder(prefix, folder);
    }

    @Override
    public List<String> list(String prefix) {
        return objects().list(prefix);
    }

    @Override
    public boolean exists(String key) {
        return objects().exists(key);
    }

    @Override
    public boolean delete(String key) {
        return objects().delete(key);
    }

    /** Closes this block's Storage client. */
    @Override
    public void close() {
        Storage s = CLIENTS.remove(this);
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                throw new BlockException("gcs-bucket " + bucket + ": cannot close the client: " + e.getMessage(), e);
            }
        }
    }
}
