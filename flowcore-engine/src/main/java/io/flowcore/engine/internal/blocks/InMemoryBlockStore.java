package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.BlockStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/* Blocks kept in this process's memory (tests). */
final class InMemoryBlockStore implements BlockStore {
    private final ConcurrentSkipListMap<String, Document> docs = new ConcurrentSkipListMap<>();

    @Override
    public boolean save(Document d, boolean overwrite) {
        if (overwrite) {
            docs.put(d.name(), d);
            return true;
        }
        return docs.putIfAbsent(d.name(), d) == null;
    }

    @Override
    public Optional<Document> find(String name) {
        return Optional.ofNullable(docs.get(name));
    }

    @Override
    public List<Document> list(String typeSlug) {
        return docs.values().stream().filter(d -> typeSlug == null || d.typeSlug().equals(typeSlug)).toList();
    }

    @Override
    public boolean delete(String name) {
        return docs.remove(name) != null;
    }

    @Override
    public void close() {
    }
}
