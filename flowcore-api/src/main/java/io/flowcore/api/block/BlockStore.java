package io.flowcore.api.block;

import java.util.List;
import java.util.Optional;

/**
 * Where saved blocks are kept, as encoded documents (JSON with secret values already encrypted).
 * A block name is unique across types. Implementations must be thread-safe.
 */
public interface BlockStore extends AutoCloseable {

    /**
     * Inserts the document, or replaces the one of the same name when {@code overwrite} is true.
     *
     * @return false when a block of that name exists and {@code overwrite} is false (nothing is written)
     */
    boolean save(Document document, boolean overwrite);

    Optional<Document> find(String name);

    /** The documents of one type slug, or of every type when {@code typeSlug} is null, sorted by name. */
    List<Document> list(String typeSlug);

    /** Deletes the block {@code name}; false when there was none. */
    boolean delete(String name);

    @Override
    void close();

    /**
     * A saved block.
     *
     * @param name     the block's name
     * @param typeSlug its type's slug, e.g. {@code gcs-bucket}
     * @param json     its encoded document (secrets encrypted)
     */
    record Document(String name, String typeSlug, String json) {
    }
}
