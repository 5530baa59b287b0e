package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.KeyRotation;
import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockStore;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The engine's implementation behind {@code io.flowcore.engine.Blocks}; use that class instead.
 */
public final class BlockCatalog implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final BlockStore store;
    private final BlockCodec codec = new BlockCodec();
    private final SignedStore signed;
    private final BlockTypeRegistry types;
    private final ThreadLocal<Deque<String>> loading = ThreadLocal.withInitial(ArrayDeque::new);

    /** A catalog over {@code store}, with the key from {@code FLOWCORE_BLOCKS_KEY} or else {@code keyFile}. */
    public BlockCatalog(BlockStore store, Path keyFile) {
        this(store, keyFile, System.getenv());
    }

    /** A catalog whose {@code FLOWCORE_BLOCKS_KEY} is looked up in {@code environment}. */
    public BlockCatalog(BlockStore store, Path keyFile, Map<String, String> environment) {
        this(store, new BlocksKey(Map.copyOf(environment), keyFile));
    }

    /** The documents as stored (secrets encrypted), for a flowcore server answering remote engines. */
    public BlockStore documents() {
        return store;
    }

    BlockCatalog(BlockStore store, BlocksKey key) {
        this.store = Objects.requireNonNull(store, "store");
        this.signed = new SignedStore(store, key);
        this.types = new BlockTypeRegistry(Thread.currentThread().getContextClassLoader());
    }

    /** See {@code Blocks.save}. */
    public void save(String name, Block block, boolean overwrite) {
        checkName(name);
        Objects.requireNonNull(block, "block");
        String slug = types.register(block.getClass());
        boolean saved = signed.save(name, slug, cipher -> codec.encode(name, block, cipher,
                (ref, refType) -> checkReference(name, slug, ref, refType)), overwrite);
        if (!saved) {
            String existing = store.find(name).map(BlockStore.Document::typeSlug).orElse("?");
            throw new BlockException("a block named '" + name + "' already exists (type " + existing
                    + "): save with overwrite = true to replace it, or choose another name");
        }
    }

    private void checkReference(String name, String slug, String ref, Class<? extends Block> refType) {
        if (ref.equals(name)) throw new BlockException("block '" + name + "' (" + slug + ") references itself");
        BlockStore.Document d = store.find(ref).orElseThrow(() -> new BlockException("block '" + name + "' (" + slug
                + ") references '" + ref + "', which is not saved: save that " + describe(refType) + " block first"
                + savedOfType(refType)));
        if (refType != Block.class && !d.typeSlug().equals(Block.slugOf(refType))) {
            throw new BlockException("block '" + name + "' (" + slug + ") references '" + ref + "', which is a "
                    + d.typeSlug() + ", not a " + Block.slugOf(refType) + savedOfType(refType));
        }
    }

    /** See {@code Blocks.load}. */
    public <T extends Block> T load(String name, Class<T> type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            // a capability such as ObjectStorageBlock: whichever saved type it is, it must implement it
            Block b = load(name);
            if (!type.isInstance(b)) {
                throw new BlockException("block '" + name + "' is a " + b.getClass().getSimpleName() + ", which is not a "
                        + type.getSimpleName());
            }
            return type.cast(b);
        }
        String slug = types.register(type);
        BlockStore.Document d = store.find(name).orElseThrow(() -> new BlockException(
                "no block named '" + name + "' of type " + slug + savedOfType(type)));
        if (!d.typeSlug().equals(slug)) {
            throw new BlockException("block '" + name + "' is a " + d.typeSlug() + ", not a " + slug
                    + " (" + type.getSimpleName() + ")" + savedOfType(type));
        }
        return decode(d, type);
    }

    /** Loads a block whose type is known by its slug (registered with a BlockTypeProvider). */
    public Block load(String name) {
        BlockStore.Document d = store.find(name).orElseThrow(() -> new BlockException(
                "no block named '" + name + "'; saved blocks: " + store.list(null).stream().map(BlockStore.Document::name).toList()));
        return decode(d, types.type(d.typeSlug()));
    }

    private <T extends Block> T decode(BlockStore.Document d, Class<T> type) {
        Deque<String> stack = loading.get();
        if (stack.contains(d.name())) {
            throw new BlockException("block references form a cycle: " + String.join(" -> ", stack.reversed()) + " -> " + d.name());
        }
        stack.push(d.name());
        try {
            SignedStore.Verified v = signed.verify(d);
            return codec.decode(d.name(), v.json(), type, v.cipher(), (ref, refType) -> {
                try {
                    return refType == Block.class ? load(ref) : load(ref, refType);
                } catch (BlockException e) {
                    throw new BlockException("block '" + d.name() + "' (" + d.typeSlug() + ") references '" + ref
                            + "', which cannot be loaded: " + e.getMessage(), e);
                }
            });
        } finally {
            stack.pop();
        }
    }

    /** See {@code Blocks.rotateKey}: {@code newKey} is base64 of 32 bytes, or empty to generate one. */
    public KeyRotation rotateKey(java.util.Optional<String> newKey) {
        return new KeyRotator(signed).rotate(newKey.map(k -> BlockKey.decode(k, "the new key")));
    }

    /** The names of the saved blocks of {@code type}, sorted. */
    public List<String> names(Class<? extends Block> type) {
        return store.list(types.register(type)).stream().map(BlockStore.Document::name).toList();
    }

    /** Every saved block as name → type slug, sorted by name. */
    public Map<String, String> all() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        store.list(null).forEach(d -> out.put(d.name(), d.typeSlug()));
        return out;
    }

    /** Deletes the block {@code name}; false when there was none. */
    public boolean delete(String name) {
        return store.delete(Objects.requireNonNull(name, "name"));
    }

    /** The block as JSON with secrets shown as ********. */
    public String maskedJson(Block block) {
        return codec.masked(block);
    }

    /** A block of {@code type} from JSON a user typed (secrets in plain text). */
    public <T extends Block> T fromJson(String json, Class<T> type) {
        types.register(type);
        return codec.fromPlainJson(json, type);
    }

    /** The known block types by slug. */
    public Map<String, Class<? extends Block>> types() {
        return types.all();
    }

    /** The block type registered under {@code slug}. */
    public Class<? extends Block> type(String slug) {
        return types.type(slug);
    }

    private String describe(Class<? extends Block> type) {
        return type == Block.class ? "referenced" : Block.slugOf(type);
    }

    private String savedOfType(Class<? extends Block> type) {
        if (type == Block.class) return "";
        List<String> names = store.list(Block.slugOf(type)).stream().map(BlockStore.Document::name).toList();
        return "; saved " + Block.slugOf(type) + " blocks: " + (names.isEmpty() ? "none" : String.join(", ", names));
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new BlockException("invalid block name '" + name + "': use letters, digits, '.', '_' and '-' "
                    + "(starting with a letter or digit), at most 200 characters");
        }
    }

    /** Closes the block store. */
    @Override
    public void close() {
        store.close();
    }
}
