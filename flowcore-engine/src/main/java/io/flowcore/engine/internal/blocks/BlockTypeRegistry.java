package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockTypeProvider;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/* Block types by slug: those registered with ServiceLoader, plus every type seen in save/load. */
final class BlockTypeRegistry {
    private final Map<String, Class<? extends Block>> bySlug = new TreeMap<>();

    BlockTypeRegistry(ClassLoader loader) {
        for (BlockTypeProvider p : ServiceLoader.load(BlockTypeProvider.class, loader)) {
            p.blockTypes().forEach(this::register);
        }
    }

    synchronized String register(Class<? extends Block> type) {
        String slug = Block.slugOf(type);
        Class<? extends Block> known = bySlug.putIfAbsent(slug, type);
        if (known != null && known != type) {
            throw new BlockException("two block types claim the slug '" + slug + "': " + known.getName() + " and "
                    + type.getName() + " (set @BlockType(slug = ...) on one of them)");
        }
        return slug;
    }

    synchronized Class<? extends Block> type(String slug) {
        Class<? extends Block> t = bySlug.get(slug);
        if (t == null) {
            throw new BlockException("no block type '" + slug + "' is registered (known types: " + bySlug.keySet()
                    + "); add the jar that provides it to the classpath");
        }
        return t;
    }

    synchronized Map<String, Class<? extends Block>> all() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(bySlug));
    }
}
