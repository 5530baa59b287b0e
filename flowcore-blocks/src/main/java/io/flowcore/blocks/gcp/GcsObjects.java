package io.flowcore.blocks.gcp;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.ObjectKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32C;

/*
 * The object operations of GcsBucket over any Storage service (the real one, or LocalStorageHelper's
 * in-memory fake in tests). Uploads use createFrom(Path): a resumable session whose PUT streams the file
 * from disk (16 MiB read buffer) and, when it breaks, resumes from the offset GCS acknowledged. The
 * file's CRC32C and MD5 are sent as preconditions, so GCS refuses (and never shows) an object whose
 * bytes differ. Downloads go to a temp file whose CRC32C (else MD5) is checked before it is moved into place.
 */
final class GcsObjects {
    static final int CHUNK = 16 << 20;

    private final Storage storage;
    private final String bucket;
    private final String baseFolder;

    GcsObjects(Storage storage, String bucket, String baseFolder) {
        this.storage = storage;
        this.bucket = bucket;
        this.baseFolder = baseFolder == null ? "" : baseFolder.replaceAll("^/+|/+$", "");
    }

    private String full(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/")) {
            throw new BlockException("gcs-bucket " + bucket + ": invalid key '" + key + "'");
        }
        return baseFolder.isEmpty() ? key : baseFolder + "/" + key;
    }

    private String relative(String name) {
        return baseFolder.isEmpty() ? name : name.substring(baseFolder.length() + 1);
    }

    private BlockException failed(String what, Exception e) {
        return new BlockException("gcs-bucket " + bucket + ": " + what + " failed: " + e.getMessage(), e);
    }

    String upload(Path file, String key) {
        if (!Files.isRegularFile(file)) throw new BlockException("gcs-bucket " + bucket + ": no file " + file + " to upload");
        try {
            Checksums sums = Checksums.of(file);
            BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, full(key))).setCrc32c(sums.crc32c()).setMd5(sums.md5()).build();
            Blob blob = storage.createFrom(info, file, CHUNK, Storage.BlobWriteOption.crc32cMatch(), Storage.BlobWriteOption.md5Match());
            if (blob.getCrc32c() != null && !blob.getCrc32c().equals(sums.crc32c())) {
                storage.delete(blob.getBlobId());
                throw new BlockException("gcs-bucket " + bucket + ": upload of " + file + " to '" + full(key)
                        + "' stored different bytes (CRC32C " + blob.getCrc32c() + " != " + sums.crc32c() + "); it was deleted");
            }
            return key;
        } catch (IOException | StorageException e) {
            throw failed("upload of " + file + " to '" + full(key) + "'", e);
        }
    }

    List<String> uploadFolder(Path folder, String prefix) {
        List<String> keys = new ArrayList<>();
        for (var e : ObjectKeys.filesToUpload(folder, prefix, "gcs-bucket " + bucket).entrySet()) {
            keys.add(upload(e.getKey(), e.getValue()));
        }
        return keys;
    }

    Path download(String key, Path file) {
        Path tmp = null;
        try {
            Blob blob = storage.get(BlobId.of(bucket, full(key)));
            if (blob == null) throw new BlockException("gcs-bucket " + bucket + ": no object '" + full(key) + "'");
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".flowcore-tmp-", ".part");
            blob.downloadTo(tmp);
            Checksums sums = Checksums.of(tmp);
            boolean ok = blob.getCrc32c() != null ? blob.getCrc32c().equals(sums.crc32c())
                    : blob.getMd5() == null || blob.getMd5().equals(sums.md5());
            if (!ok) {
                throw new BlockException("gcs-bucket " + bucket + ": download of '" + full(key)
                        + "' is corrupt (checksum mismatch); nothing was written to " + file);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException | StorageException e) {
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

    List<Path> downloadFolder(String prefix, Path folder) {
        String base = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        List<Path> out = new ArrayList<>();
        // Every key is checked before the first file is written.
        for (var e : ObjectKeys.targetsInside(folder, base, list(base), "gcs-bucket " + bucket).entrySet()) {
            out.add(download(e.getKey(), e.getValue()));
        }
        return out;
    }

    List<String> list(String prefix) {
        String p = baseFolder.isEmpty() ? (prefix == null ? "" : prefix) : baseFolder + "/" + (prefix == null ? "" : prefix);
        try {
            List<String> out = new ArrayList<>();
            for (Blob b : storage.list(bucket, Storage.BlobListOption.prefix(p)).iterateAll()) {
                if (!b.getName().endsWith("/")) out.add(relative(b.getName()));
            }
            out.sort(null);
            return out;
        } catch (StorageException e) {
            throw failed("list of '" + p + "'", e);
        }
    }

    boolean exists(String key) {
        try {
            return storage.get(BlobId.of(bucket, full(key))) != null;
        } catch (StorageException e) {
            throw failed("get of '" + full(key) + "'", e);
        }
    }

    boolean delete(String key) {
        try {
            return storage.delete(BlobId.of(bucket, full(key)));
        } catch (StorageException e) {
            throw failed("delete of '" + full(key) + "'", e);
        }
    }

    /** CRC32C and MD5 of a file, base64 as GCS reports them. */
    record Checksums(String crc32c, String md5) {
        static Checksums of(Path file) throws IOException {
            CRC32C crc = new CRC32C();
            MessageDigest md5;
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] buf = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    crc.update(buf, 0, n);
                    md5.update(buf, 0, n);
                }
            }
            byte[] c = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
            return new Checksums(Base64.getEncoder().encodeToString(c), Base64.getEncoder().encodeToString(md5.digest()));
        }
    }
}
