package io.flowcore.engine.internal.remote;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.flowcore.api.block.BlockStore;
import java.util.List;
import java.util.Optional;

/**
 * The blocks of a flowcore server's workspace, as a remote engine sees them: the documents as they are
 * stored, secrets still encrypted, so the engine decrypts them itself with {@code FLOWCORE_BLOCKS_KEY} (the
 * workspace's key) and the server never sends a secret in plain text. Saving and deleting need an admin key.
 */
public final class RemoteBlockStore implements BlockStore {
    private static final TypeFactory TYPES = io.flowcore.engine.internal.remote.RemoteJson.MAPPER.getTypeFactory();
    private static final JavaType ONE = TYPES.constructParametricType(Optional.class, Document.class);
    private static final JavaType MANY = TYPES.constructCollectionType(List.class, Document.class);
    private static final JavaType BOOL = TYPES.constructType(Boolean.class);

    private final RemoteClient client;

    public RemoteBlockStore(RemoteClient client) {
        this.client = client;
    }

    @Override
    public boolean save(Document document, boolean overwrite) {
        return client.<Boolean>call("blockSave", BOOL, document, overwrite);
    }

    @Override
    public Optional<Document> find(String name) {
        return client.call("blockFind", ONE, name);
    }

    @Override
    public List<Document> list(String typeSlug) {
        return client.call("blockList", MANY, typeSlug);
    }

    @Override
    public boolean delete(String name) {
        return client.<Boolean>call("blockDelete", BOOL, name);
    }

    @Override
    public void close() {
    }
}
