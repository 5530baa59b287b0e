package io.flowcore.blocks.aws;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.ObjectKeys;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.ObjectStorageBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.transfer.s3.model.DownloadFileRequest;
import software.amazon.awssdk.transfer.s3.model.FileUpload;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * An S3 bucket (or an S3-compatible server with {@code endpoint} and {@code pathStyle}). Files are
 * transferred by the SDK's transfer manager over the CRT client: multipart in 8 MiB parts, streamed
 * from and to disk. S3 shows a multipart object only once it is complete, so a failed upload leaves
 * no partial object.
 *
 * @param bucket      the bucket name
 * @param basePath    a folder inside the bucket that keys are relative to, or null
 * @param region      the region, e.g. {@code eu-west-1}, or null for the SDK's default region chain
 * @param endpoint    an endpoint override such as {@code http://127.0.0.1:9000}, or null for AWS
 * @param pathStyle   true for path-style URLs (most S3-compatible servers), null/false for virtual hosts
 * @param credentials the {@link AwsCredentials} block, or null for the SDK's default provider chain
 */
@BlockType(description = "An S3 bucket (or S3-compatible server), multipart transfers through the CRT client")
public record S3Bucket(String bucket, String basePath, String region, String endpoint, Boolean pathStyle,
                       BlockRef<AwsCredentials> credentials) implements ObjectStorageBlock, AutoCloseable {

    public S3Bucket {
        if (bucket == null || bucket.isBlank()) throw new BlockException("s3-bucket needs a 'bucket'");
        if (basePath != null) basePath = basePath.replaceAll("^/+|/+$", "");
    }

    private String full(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/")) {
            throw new BlockException("s3-bucket " + bucket + ": invalid key '" + key + "'");
        }
        return basePath == null || basePath.isEmpty() ? key : basePath + "/" + key;
    }

    private String relative(String fullKey) {
        return basePath == null || basePath.isEmpty() ? fullKey : fullKey.substring(basePath.length() + 1);
    }

    private BlockException failed(String what, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return new BlockException("s3-bucket " + bucket + ": " + what + " failed: " + cause.getMessage(), cause);
    }

    @Override
    public String upload(Path file, String key) {
        try {
            startUpload(file, key).completionFuture().join();
            return key;
        } catch (RuntimeException e) {
            throw failed("upload of " + file + " to '" + full(key) + "'", e);
        }
    }

    /* Starts an upload; tests cancel it half-way. */
    FileUpload startUpload(Path file, String key) {
        if (!Files.isRegularFile(file)) throw new BlockException("s3-bucket " + bucket + ": no file " + file + " to upload");
        return S3Clients.of(this).transfers().uploadFile(UploadFileRequest.builder()
                .putObjectRequest(r -> r.bucket(bucket).key(full(key))).source(file).build());
    }

    @Override
    public Path download(String key, Path file) {
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".flowcore-tmp-", ".part");
            Path into = tmp;
            S3Clients.of(this).transfers().downloadFile(DownloadFileRequest.builder()
                    .getObjectRequest(r -> r.bucket(bucket).key(full(key))).destination(into).build())
                    .completionFuture().join();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException | RuntimeException e) {
            throw failed("download of '" + full(key) + "' to " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    @Override
    public List<Path> downloadFolder(String prefix, Path folder) {
        String base = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        List<Path> out = new ArrayList<>();
        // Every key is checked before the first file is written.
        for (var e : ObjectKeys.targetsInside(folder, base, list(base), "s3-bucket " + bucket).entrySet()) {
            out.add(download(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public List<String> list(String prefix) {
        String p = basePath == null || basePath.isEmpty() ? (prefix == null ? "" : prefix)
                : basePath + "/" + (prefix == null ? "" : prefix);
        try {
            return S3Clients.of(this).sync().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(p)).contents().stream()
                    .map(o -> relative(o.key())).sorted().toList();
        } catch (RuntimeException e) {
            throw failed("list of '" + p + "'", e);
        }
    }

    @Override
    public boolean exists(String key) {
        try {
            S3Clients.of(this).sync().headObject(r -> r.bucket(bucket).key(full(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw failed("head of '" + full(key) + "'", e);
        }
    }

    @Override
    public boolean delete(String key) {
        if (!exists(key)) return false;
        try {
            S3Clients.of(this).sync().deleteObject(r -> r.bucket(bucket).key(full(key)));
            return true;
        } catch (RuntimeException e) {
            throw failed("delete of '" + full(key) + "'", e);
        }
    }

    /** Closes this block's SDK clients (a later call opens new ones). */
    @Override
    public void close() {
        S3Clients.close(this);
    }
}
