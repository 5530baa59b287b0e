package io.flowcore.examples.taxi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.flowcore.api.block.ObjectStorageBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What the lake knows about one of its objects (against the "data swamp"): where it came from, how many
 * rows and which schema it has, its checksum, the flow run that wrote it and its version. Kept beside
 * the object as {@code <key>.meta.json}, so it works on every object-storage block; read it with
 * {@link #read(ObjectStorageBlock, String)}.
 *
 * @param key       the object's key
 * @param sourceUrl the URL the data was downloaded from
 * @param rows      rows in the object
 * @param schema    the Parquet schema
 * @param sha256    SHA-256 of the object's bytes
 * @param flowRunId the flow run that wrote it
 * @param version   1 for the first write of the key, then 2, 3…
 * @param writtenAt when it was written
 */
public record LakeMetadata(String key, String sourceUrl, long rows, String schema, String sha256, UUID flowRunId,
                           int version, Instant writtenAt) {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    static String metaKey(String key) {
        return key + ".meta.json";
    }

    /** The metadata of {@code key}, if the object was written with it. */
    public static Optional<LakeMetadata> read(ObjectStorageBlock lake, String key) {
        if (!lake.exists(metaKey(key))) return Optional.empty();
        try {
            Path tmp = Files.createTempFile("lake-meta-", ".json");
            try {
                lake.download(metaKey(key), tmp);
                return Optional.of(JSON.readValue(tmp.toFile(), LakeMetadata.class));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metadata of lake object " + key, e);
        }
    }

    /** Writes this metadata beside its object. */
    void write(ObjectStorageBlock lake) {
        try {
            Path tmp = Files.createTempFile("lake-meta-", ".json");
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
                lake.upload(tmp, metaKey(key));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metadata of lake object " + key, e);
        }
    }
}
