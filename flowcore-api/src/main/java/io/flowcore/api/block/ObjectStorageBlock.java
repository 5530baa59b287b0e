package io.flowcore.api.block;

import java.nio.file.Path;
import java.util.List;

/**
 * A block for object storage (GCS, S3, a local folder). Keys are {@code /}-separated paths relative
 * to the block's base folder, so a pipeline can swap one store for another by changing a block name.
 * Failures throw {@link BlockException} naming the block type, key and cause.
 */
public interface ObjectStorageBlock extends Block {

    /**
     * Uploads a file to {@code key}. The object appears whole or not at all.
     *
     * @return the key written
     */
    String upload(Path file, String key);

    /**
     * Uploads every regular file under {@code folder} to {@code prefix/<relative path>}. The folder is
     * walked without following symbolic links; a folder that contains one is refused before anything is
     * uploaded, naming the link.
     *
     * <p>(Walks the folder and calls {@link #upload} per file; a type may do better.)
     *
     * @return the keys written, sorted
     */
    default List<String> uploadFolder(Path folder, String prefix) {
        List<String> keys = new java.util.ArrayList<>();
        for (var e : ObjectKeys.filesToUpload(folder, prefix, Block.slugOf(getClass())).entrySet()) {
            keys.add(upload(e.getKey(), e.getValue()));
        }
        return keys;
    }

    /** Downloads {@code key} to {@code file} (parents are created; an existing file is replaced). */
    Path download(String key, Path file);

    /**
     * Downloads every object under {@code prefix} into {@code folder}, keeping the paths below the prefix.
     * Every key is checked with {@link ObjectKeys#targetsInside} before any file is written: a key that
     * would land outside {@code folder} ({@code ..}, {@code //}, a leading {@code /}) fails the download.
     *
     * @return the files written, sorted
     */
    List<Path> downloadFolder(String prefix, Path folder);

    /** The keys under {@code prefix} ("" for all), sorted. */
    List<String> list(String prefix);

    boolean exists(String key);

    /** Deletes {@code key}; false when there was nothing to delete. */
    boolean delete(String key);
}
