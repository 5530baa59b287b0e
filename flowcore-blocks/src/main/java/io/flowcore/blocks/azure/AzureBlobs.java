package io.flowcore.blocks.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.ProgressListener;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.ObjectKeys;
import io.flowcore.api.block.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * The object operations of AzureBlobContainer over one BlobContainerClient.
 *
 * Uploads: the file is read once for its MD5 (kept as the blob's Content-MD5), then handed to the SDK as
 * file-backed BinaryData with ParallelTransferOptions: files up to one block go up in one Put Blob, larger
 * ones as Put Block calls of BLOCK_BYTES, CONCURRENCY at a time, then one Put Block List. computeMd5 makes
 * the SDK send each request's MD5, which the service checks. Memory is about BLOCK_BYTES x (CONCURRENCY + 1)
 * whatever the file size. Staged blocks are invisible until the block list is committed, so a failure or an
 * interrupt before the commit leaves no blob; the service discards uncommitted blocks after a week.
 *
 * Downloads: ranged reads of BLOCK_BYTES, CONCURRENCY at a time, into a temp file beside the target, whose MD5
 * is compared with the blob's Content-MD5 (when the blob has one) before it is renamed into place.
 *
 * Errors: the SDK's exception text is the service's XML answer; the messages here use only its status and
 * error code, say what to do, and have every secret value of the credentials block masked out besides.
 */
final class AzureBlobs {
    static final long BLOCK_BYTES = 4L << 20;
    static final int CONCURRENCY = 4;
    private static final HttpHeaderName BLOB_CONTENT_MD5 = HttpHeaderName.fromString("x-ms-blob-content-md5");

    private final BlobContainerClient client;
    private final String container;
    private final String basePath;
    private final String[] secrets;

    AzureBlobs(BlobContainerClient client, String container, String basePath, String[] secrets) {
        this.client = client;
        this.container = container;
        this.basePath = basePath == null ? "" : basePath;
        this.secrets = secrets;
    }

    /** The blob name of {@code key}, refusing a key that Azure or a file system would read differently. */
    private String full(String key) {
        String why = problem(key);
        if (why != null) {
            throw new BlockException(AzureBlobContainer.SLUG + " " + container + ": refusing blob name '" + key + "': " + why
                    + "; use a '/'-separated relative path such as 'data/yellow/2021-01.parquet'");
        }
        return basePath.isEmpty() ? key : basePath + "/" + key;
    }

    /* URLs resolve '.' and '..' segments, so "a/../b" would silently become "b"; the rest mirrors ObjectKeys. */
    private static String problem(String key) {
        if (key == null || key.isEmpty()) return "it is empty";
        if (key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) return "it contains a NUL character or a backslash";
        if (key.startsWith("/")) return "it starts with '/'";
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) return "it has an empty path segment ('//' or a trailing '/')";
            if (segment.equals(".") || segment.equals("..")) return "it has a '" + segment + "' path segment";
        }
        return null;
    }

    private String prefixOf(String prefix) {
        String p = prefix == null ? "" : prefix;
        return basePath.isEmpty() ? p : basePath + "/" + p;
    }

    private String relative(String name) {
        return basePath.isEmpty() ? name : name.substring(basePath.length() + 1);
    }

    String upload(Path file, String key, ProgressListener progress) {
        String name = full(key);
        String what = "upload of " + file + " to '" + name + "'";
        if (!Files.isRegularFile(file)) throw new BlockException(prefix() + "no file " + file + " to upload");
        try {
            byte[] md5 = md5(file);
            ParallelTransferOptions transfer = new ParallelTransferOptions().setBlockSizeLong(BLOCK_BYTES)
                    .setMaxSingleUploadSizeLong(BLOCK_BYTES).setMaxConcurrency(CONCURRENCY).setProgressListener(progress);
            client.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromFile(file))
                    .setParallelTransferOptions(transfer).setComputeMd5(true)
                    .setHeaders(new BlobHttpHeaders().setContentMd5(md5).setContentType("application/octet-stream")),
                    null, Context.NONE);
            return key;
        } catch (IOException | RuntimeException e) {
            throw failed(what, e);
        }
    }

    Path download(String key, Path file) {
        String name = full(key);
        String what = "download of '" + name + "' to " + file;
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".flowcore-tmp-", ".part");
            Response<BlobProperties> got = client.getBlobClient(name).downloadToFileWithResponse(
                    new BlobDownloadToFileOptions(tmp.toString())
                            .setParallelTransferOptions(new com.azure.storage.common.ParallelTransferOptions()
                                    .setBlockSizeLong(BLOCK_BYTES).setMaxConcurrency(CONCURRENCY))
                            .setOpenOptions(Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)),
                    null, Context.NONE);
            byte[] expected = blobMd5(got);
            if (expected != null && !Arrays.equals(expected, md5(tmp))) {
                throw new BlockException(prefix() + "download of '" + name + "' does not match its Content-MD5 (the bytes"
                        + " were corrupted in transit or changed without updating it); nothing was written to " + file
                        + ": download it again, or upload the blob again if it keeps failing");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (BlockException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failed(what, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp file is hidden and named as ours
                }
            }
        }
    }

    List<Path> downloadFolder(String prefix, Path folder) {
        String base = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        // Every key is checked before the first file is written, so a bad key leaves the folder untouched.
        Map<String, Path> targets = new LinkedHashMap<>();
        for (String key : list(base)) {
            targets.put(key, ObjectKeys.resolveInside(folder, key.substring(base.length()), AzureBlobContainer.SLUG));
        }
        List<Path> out = new ArrayList<>();
        targets.forEach((key, file) -> out.add(download(key, file)));
        return out;
    }

    List<String> list(String prefix) {
        String p = prefixOf(prefix);
        try {
            List<String> out = new ArrayList<>();
            for (BlobItem b : client.listBlobs(new ListBlobsOptions().setPrefix(p), null)) out.add(relative(b.getName()));
            out.sort(null);
            return out;
        } catch (RuntimeException e) {
            throw failed("list of '" + p + "'", e);
        }
    }

    boolean exists(String key) {
        String name = full(key);
        try {
            return client.getBlobClient(name).exists();
        } catch (RuntimeException e) {
            throw failed("existence check of '" + name + "'", e);
        }
    }

    boolean delete(String key) {
        String name = full(key);
        try {
            return client.getBlobClient(name).deleteIfExists();
        } catch (RuntimeException e) {
            throw failed("delete of '" + name + "'", e);
        }
    }

    private String prefix() {
        return AzureBlobContainer.SLUG + " " + container + ": ";
    }

    private BlockException failed(String what, Exception e) {
        if (interrupted(e)) {
            Thread.currentThread().interrupt();   // keep the caller's interrupt for whoever asked for it
            return new BlockException(prefix() + what + " was interrupted; no blob was committed", e);
        }
        String why;
        if (e instanceof BlobStorageException s) {
            why = s.getStatusCode() + " " + s.getErrorCode() + hint(s);
        } else if (e instanceof IOException) {
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            why = root.getClass().getSimpleName() + ": " + root.getMessage()
                    + " (check that the credentials block's endpoint is reachable)";
        }
        return new BlockException(prefix() + what + " failed: " + mask(why), e instanceof BlobStorageException ? null : e);
    }

    private String hint(BlobStorageException e) {
        return switch (e.getStatusCode()) {
            case 401, 403 -> ": the service refused the credentials; check the credentials block (the account key, the SAS"
                    + " token's permissions and expiry, or the connection string)";
            case 404 -> "ContainerNotFound".equals(String.valueOf(e.getErrorCode()))
                    ? ": container '" + container + "' does not exist; create it (az storage container create --name "
                    + container + ") or fix the block's 'container'"
                    : ": no such blob";
            default -> "";
        };
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) return true;
        }
        return Thread.currentThread().isInterrupted();
    }

    private String mask(String text) {
        String out = String.valueOf(text);
        for (String s : secrets) {
            if (s != null && !s.isEmpty()) out = out.replace(s, Secret.MASK);
        }
        return out.replaceAll("(?i)(sig=)[^&\\s'\"]+", "$1" + Secret.MASK);
    }

    /*
     * The whole blob's MD5. A download is made of range reads, whose properties carry only the MD5 of a range
     * (Content-MD5, usually absent); the blob's own is the x-ms-blob-content-md5 header of the first answer.
     */
    private static byte[] blobMd5(Response<BlobProperties> got) {
        String header = got.getHeaders().getValue(BLOB_CONTENT_MD5);
        return header != null ? Base64.getDecoder().decode(header) : got.getValue().getContentMd5();
    }

    private static byte[] md5(Path file) throws IOException {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md5.update(buf, 0, n);
        }
        return md5.digest();
    }
}
