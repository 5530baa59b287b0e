package io.flowcore.engine;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockStore;
import io.flowcore.engine.internal.blocks.BlockCatalog;
import io.flowcore.api.block.Secret;
import io.flowcore.api.block.KeyRotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saved blocks: named, typed configuration that flows load by name.
 * <pre>{@code
 * try (Blocks blocks = Blocks.open()) {
 *     blocks.save("zoom-gcp-creds", GcpCredentials.serviceAccount(Secret.of(Files.readString(keyFile)), "my-project"));
 *     blocks.save("zoom-gcs", GcsBucket.of("dtc-lake", "data", "zoom-gcp-creds"));
 *     GcsBucket lake = blocks.load("zoom-gcs", GcsBucket.class);   // its credentials are loaded too
 * }
 * }</pre>
 * Blocks are kept in the {@code blocks} table of the flowcore database ({@code <home>/flowcore.db}
 * unless another {@link BlockStore} is given). {@link io.flowcore.api.block.Secret} values are
 * encrypted with AES-256-GCM, and every stored document is signed as a whole (HMAC-SHA256), so a
 * block changed directly in the database fails to load. The key comes from the environment variable
 * {@code FLOWCORE_BLOCKS_KEY} (base64 of 32 bytes) or else the key file {@code <home>/blocks.key},
 * created (owner-only, fsynced) by the first save into a store that holds no block under another key.
 * Keep that key: without it saved blocks cannot be loaded, and flowcore never replaces a lost key by a
 * new one. Hosts sharing one store share one key: set {@code FLOWCORE_BLOCKS_KEY} on each.
 *
 * <p>All methods throw {@link BlockException} with a message that names the block and its type.
 * Thread-safe.
 */
public final class Blocks implements AutoCloseable {
    private final BlockCatalog catalog;

    private Blocks(BlockCatalog catalog) {
        this.catalog = catalog;
    }

    /** The documents as stored, secrets encrypted (EngineEndpoint). */
    io.flowcore.api.block.BlockStore documents() {
        return catalog.documents();
    }

    /** Blocks under the flowcore home ({@link FlowcoreHome#resolve()}, by default {@code ~/.flowcore}). */
    public static Blocks open() {
        return open(FlowcoreHome.resolve());
    }

    /**
     * The blocks an engine created with these settings keeps: those of its home or database and of its
     * {@linkplain FlowcoreConfig#workspace workspace}, without opening the engine (for tools such as the CLI).
     * <pre>{@code
     * try (Blocks blocks = Blocks.open(cfg -> cfg.database(url, user, password).workspace("team-a"))) { ... }
     * }</pre>
     *
     * @throws IllegalStateException when the settings name a workspace that was never created
     */
    public static Blocks open(java.util.function.Consumer<FlowcoreConfig> configure) {
        FlowcoreConfig cfg = new FlowcoreConfig();
        configure.accept(cfg);
        return cfg.openBlocks();
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
     * Like {@link #open(BlockStore, Path)}, but {@code FLOWCORE_BLOCKS_KEY} is looked up in
     * {@code environment} instead of the process environment (for tools that pass one on, and tests).
     */
    public static Blocks open(BlockStore store, Path keyFile, Map<String, String> environment) {
        return new Blocks(new BlockCatalog(store, keyFile, environment));
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

    /**
     * Re-encrypts and re-signs every block under a newly generated key, one block at a time (each
     * replaced atomically), then makes it the key file's key. The new key is written durably to
     * {@code <keyFile>.next} before the first block depends on it; an interrupted rotation loads fine
     * (both keys are known) and finishes when this is called again. Run it while no one saves blocks.
     *
     * @throws BlockException when the key comes from {@code FLOWCORE_BLOCKS_KEY} (flowcore cannot change
     *                        it: use {@link #rotateKey(Secret)}), or when any block fails its signature
     *                        check or cannot be decrypted (then no block is changed)
     */
    public KeyRotation rotateKey() {
        return catalog.rotateKey(Optional.empty());
    }

    /**
     * Re-encrypts and re-signs every block under {@code newKey} (base64 of 32 bytes). With a key file, the
     * file then holds {@code newKey}. With {@code FLOWCORE_BLOCKS_KEY}, this object uses {@code newKey} from
     * now on, and the caller must set {@code FLOWCORE_BLOCKS_KEY} to it wherever flowcore runs
     * ({@link KeyRotation#keyFromEnvironment()}).
     *
     * @throws BlockException as {@link #rotateKey()}, or when {@code newKey} is not 32 bytes in base64
     */
    public KeyRotation rotateKey(Secret newKey) {
        return catalog.rotateKey(Optional.of(newKey.reveal()));
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
