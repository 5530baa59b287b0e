package io.flowcore.engine;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockStore;
import io.flowcore.engine.blocks.BlockCatalog;
import io.flowcore.engine.blocks.BlockStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Saved blocks: named, typed configuration that flows load by name.
 * <pre>{@code
 * try (Blocks blocks = Blocks.open()) {
 *     blocks.save("zoom-gcp-creds", new GcpCredentials(Secret.of(json), "my-project"));
 *     blocks.save("zoom-gcs", new GcsBucket("dtc-lake", "data", BlockRef.named("zoom-gcp-creds")));
 *     GcsBucket lake = blocks.load("zoom-gcs", GcsBucket.class);   // its credentials are loaded too
 * }
 * }</pre>
 * Blocks are kept in the {@code blocks} table of the flowcore database ({@code <home>/flowcore.db}
 * unless another {@link BlockStore} is given). {@link io.flowcore.api.block.Secret} values are
 * encrypted with AES-256-GCM; the key comes from the environment variable {@code FLOWCORE_BLOCKS_KEY}
 * (base64 of 32 bytes) or else the key file {@code <home>/blocks.key}, created with owner-only
 * permissions when the first secret is saved. Keep that key: without it saved secrets cannot be read.
 *
 * <p>All methods throw {@link BlockException} with a message that names the block and its type.
 * Thread-safe.
 */
public final class Blocks implements AutoCloseable {
    private final BlockCatalog catalog;

    private Blocks(BlockCatalog catalog) {
        this.catalog = catalog;
    }

    /** Blocks under the flowcore home ({@code $FLOWCORE_HOME}, else {@code ~/.flowcore}). */
    public static Blocks open() {
        return open(FlowcoreConfig.defaultHome());
    }

    /** Blocks in {@code <home>/flowcore.db}, secrets keyed by {@code FLOWCORE_BLOCKS_KEY} or {@code <home>/blocks.key}. */
    public static Blocks open(Path home) {
        return open(BlockStores.sqlite(home.resolve("flowcore.db")), home.resolve("blocks.key"));
    }

    /**
     * Blocks in {@code store} (see {@link BlockStores}; closed with this object), secrets keyed by
     * {@code FLOWCORE_BLOCKS_KEY} or else {@code keyFile}.
     */
    public static Blocks open(BlockStore store, Path keyFile) {
        return new Blocks(new BlockCatalog(store, keyFile));
    }

    /**
     * Saves a new block.
     *
     * @throws BlockException when a block of that name exists, the name is invalid, or a block it
     *                        references is not saved (with the right type)
     */
    public void save(String name, Block block) {
        catalog.save(name, block, false);
    }

    /** Saves a block, replacing the one of the same name when {@code overwrite} is true. */
    public void save(String name, Block block, boolean overwrite) {
        catalog.save(name, block, overwrite);
    }

    /**
     * Loads a block and, recursively, the blocks it references.
     *
     * @throws BlockException when there is no block of that name, it has another type (both messages
     *                        list the saved blocks of {@code type}), or its secrets cannot be decrypted
     *                        with the current key
     */
    public <T extends Block> T load(String name, Class<T> type) {
        return catalog.load(name, type);
    }

    /** Loads a block of any registered type (see {@link io.flowcore.api.block.BlockTypeProvider}). */
    public Block load(String name) {
        return catalog.load(name);
    }

    /** The names of the saved blocks of {@code type}, sorted. */
    public List<String> list(Class<? extends Block> type) {
        return catalog.names(type);
    }

    /** Every saved block, as name → type slug, sorted by name. */
    public Map<String, String> list() {
        return catalog.all();
    }

    /** Deletes the block {@code name}; false when there was none. Blocks referencing it then fail to load. */
    public boolean delete(String name) {
        return catalog.delete(name);
    }

    /** The block as indented JSON with every secret shown as {@code ********}. */
    public String toMaskedJson(Block block) {
        return catalog.maskedJson(block);
    }

    /** A block built from JSON (secret values in plain text, references by name), e.g. typed on a command line. */
    public <T extends Block> T fromJson(String json, Class<T> type) {
        return catalog.fromJson(json, type);
    }

    /** The known block types (registered with ServiceLoader or used here) by slug. */
    public Map<String, Class<? extends Block>> types() {
        return catalog.types();
    }

    /** Closes the block store. */
    @Override
    public void close() {
        catalog.close();
    }
}
