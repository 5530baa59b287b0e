package io.flowcore.engine.internal.blocks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockStore;
import io.flowcore.api.block.BlockStore.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The block store seen through the blocks key: every document written is signed (BlockSignature) and
 * carries its key id; every document read is checked before anything in it is used.
 *
 * Rules, in the order they are applied:
 *  1. One key per store. A save is refused while the store holds blocks under another key id (other
 *     than the one being overwritten): encrypting under a second key would make half the store
 *     unreadable to anyone holding either key. The message names the key id to restore.
 *  2. No key is ever made while the store holds blocks signed or encrypted under some key; only an
 *     empty store (or one whose blocks carry no secrets and no signatures) gets a fresh key file.
 *  3. A store from before signatures (no document signed) is signed once, as a whole, on first use:
 *     each block is logged at WARN and re-saved signed, if its secrets decrypt with the current key.
 *     Once any block is signed, an unsigned block is refused: stripping a signature is a modification.
 *     (Residual risk, documented: whoever strips every signature in the store makes it look like an
 *     old store, which is then re-signed. Keep the blocks table writable by flowcore only.)
 *  4. A document that fails its signature check is never decoded, and never re-signed by a rotation.
 */
final class SignedStore {
    static final Logger LOG = LoggerFactory.getLogger("flowcore.blocks");

    private final BlockStore store;
    private final BlocksKey keys;
    private final BlockSignature signature = new BlockSignature();
    private boolean upgraded;

    SignedStore(BlockStore store, BlocksKey keys) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = keys;
    }

    BlockStore raw() {
        return store;
    }

    BlocksKey keys() {
        return keys;
    }

    BlockSignature signature() {
        return signature;
    }

    /** A document checked against its signature: its block JSON and the cipher of its key. */
    record Verified(Document document, String json, SecretCipher cipher) {
    }

    /**
     * Encodes with the store's key and saves, signed.
     *
     * @param encode the block's JSON, secrets encrypted with the given cipher
     * @return false when the name exists and {@code overwrite} is false
     */
    boolean save(String name, String slug, Function<SecretCipher, String> encode, boolean overwrite) {
        upgradeOnce();
        BlockKey key = keyForWriting(name, overwrite);
        String json = encode.apply(new SecretCipher(key, keys.source()));
        String signed = signature.sign(name, slug, signature.parse(name, json), key);
        return store.save(new Document(name, slug, signed), overwrite);
    }

    /** Checks {@code d}'s signature under the key it names; fails with what to do when it does not hold. */
    Verified verify(Document d) {
        upgradeOnce();
        ObjectNode doc = signature.parse(d.name(), d.json());
        if (!signature.isSigned(doc)) {
            Document now = store.find(d.name()).orElse(d);   // signed by upgradeOnce() in the meantime?
            doc = signature.parse(now.name(), now.json());
            if (!signature.isSigned(doc)) throw unsigned(d);
            d = now;
        }
        BlockKey key = keyOf(d, signature.keyId(doc).orElse("?"));
        if (!signature.verifies(d.name(), d.typeSlug(), doc, key)) throw modified(d);
        return new Verified(d, signature.write(signature.content(doc)), new SecretCipher(key, keys.source()));
    }

    private BlockKey keyOf(Document d, String keyId) {
        if (!keys.exists()) {
            throw new BlockException("cannot load block '" + d.name() + "' (" + d.typeSlug() + "): it was saved under blocks"
                    + " key id " + keyId + ", and there is no blocks key: set " + BlocksKey.ENV + " (base64 of 32 bytes)"
                    + " or restore the key file " + keys.file() + " that the blocks were saved with");
        }
        return keys.byId(keyId).orElseThrow(() -> new BlockException("cannot load block '" + d.name() + "' ("
                + d.typeSlug() + "): the blocks key (" + keys.source() + ", key id " + keys.current().id()
                + ") is not the key it was saved with (key id " + keyId + "). Restore the key with id " + keyId
                + "; if a key rotation was interrupted, run `flowcore block rotate-key` again to finish it"));
    }

    static BlockException modified(Document d) {
        return new BlockException("block '" + d.name() + "' (" + d.typeSlug() + ") was modified outside flowcore: its"
                + " content does not match its signature. If the change is wanted, save the block again through flowcore"
                + " (Blocks.save(name, block, true), or `flowcore block create " + d.typeSlug() + " " + d.name()
                + " ... --overwrite`); otherwise restore it from a backup");
    }

    private static BlockException unsigned(Document d) {
        return new BlockException("block '" + d.name() + "' (" + d.typeSlug() + ") has no signature while the other"
                + " blocks of this store are signed: it was modified outside flowcore (or written by an older flowcore)."
                + " Check its fields and save it again through flowcore (`flowcore block create " + d.typeSlug() + " "
                + d.name() + " ... --overwrite`), or delete it");
    }

    /* Rules 1 and 2: the key a save may use, created only for a store that holds no keyed block. */
    private BlockKey keyForWriting(String name, boolean overwrite) {
        Map<String, List<String>> byKeyId = keyedBlocks(overwrite ? name : null);
        if (!keys.exists()) {
            if (!byKeyId.isEmpty()) {
                throw new BlockException("cannot save block '" + name + "': there is no blocks key, but the block store"
                        + " holds blocks saved under " + describe(byKeyId) + ". Set " + BlocksKey.ENV + " or restore the key"
                        + " file " + keys.file() + " with that key; flowcore never makes a new key for a store that holds"
                        + " blocks under another one");
            }
            return keys.create();
        }
        BlockKey key = keys.current();
        byKeyId.remove(key.id());
        keys.pending().ifPresent(p -> byKeyId.remove(p.id()));
        if (!byKeyId.isEmpty()) {
            throw new BlockException("cannot save block '" + name + "' under the blocks key (" + keys.source() + ", key id "
                    + key.id() + "): the block store holds blocks saved under " + describe(byKeyId) + ". Restore the"
                    + " original key (key id " + String.join(", ", byKeyId.keySet()) + ") in " + BlocksKey.ENV
                    + " or the key file " + keys.file() + "; if it is lost for good, delete those blocks"
                    + " (`flowcore block rm NAME`) and save them again");
        }
        return key;
    }

    /* Key id → block names, for every block signed or encrypted under some key ("unknown" when unsigned). */
    private Map<String, List<String>> keyedBlocks(String except) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Document d : store.list(null)) {
            if (d.name().equals(except)) continue;
            ObjectNode doc = parseOrNull(d);
            if (doc == null) continue;   // refused on load; it holds nothing under a key we could name
            String id = signature.keyId(doc).orElse(SecretCipher.hasCiphertexts(doc) ? "unknown (saved before key ids)" : null);
            if (id != null) out.computeIfAbsent(id, k -> new ArrayList<>()).add(d.name());
        }
        return out;
    }

    private ObjectNode parseOrNull(Document d) {
        try {
            return signature.parse(d.name(), d.json());
        } catch (BlockException e) {
            return null;
        }
    }

    private static String describe(Map<String, List<String>> byKeyId) {
        List<String> parts = new ArrayList<>();
        byKeyId.forEach((id, names) -> parts.add("key id " + id + " (" + String.join(", ", names.subList(0, Math.min(5, names.size())))
                + (names.size() > 5 ? ", … " + names.size() + " blocks" : "") + ")"));
        return String.join("; ", parts);
    }

    /* Rule 3: a store where no block is signed yet is signed once, as a whole. */
    synchronized void upgradeOnce() {
        if (upgraded) return;
        List<Document> all = store.list(null);
        List<Document> unsigned = new ArrayList<>();
        for (Document d : all) {
            ObjectNode doc = parseOrNull(d);
            if (doc == null) continue;
            if (signature.isSigned(doc)) {
                upgraded = true;   // a signed store: unsigned documents are refused on load
                return;
            }
            unsigned.add(d);
        }
        if (!unsigned.isEmpty()) {
            BlockKey key = keyForUpgrade(unsigned);
            for (Document d : unsigned) signLegacy(d, key);
        }
        upgraded = true;
    }

    private BlockKey keyForUpgrade(List<Document> unsigned) {
        if (keys.exists()) return keys.current();
        List<String> encrypted = unsigned.stream()
                .filter(d -> SecretCipher.hasCiphertexts(signature.parse(d.name(), d.json()))).map(Document::name).toList();
        if (!encrypted.isEmpty()) {
            throw new BlockException("no blocks key: set " + BlocksKey.ENV + " (base64 of 32 bytes) or restore the key file "
                    + keys.file() + " that the blocks were saved with (blocks with secrets: " + String.join(", ", encrypted) + ")");
        }
        return keys.create();
    }

    private void signLegacy(Document d, BlockKey key) {
        ObjectNode doc = signature.parse(d.name(), d.json());
        SecretCipher cipher = new SecretCipher(key, keys.source());
        try {
            SecretCipher.rewriteCiphertexts(doc.deepCopy(), (field, value) -> {
                cipher.decrypt(value, d.name(), field);   // only checks: the ciphertext stays as it is
                return value;
            });
        } catch (BlockException e) {
            LOG.warn("block '{}' ({}) was saved before flowcore signed blocks and cannot be signed: {}", d.name(),
                    d.typeSlug(), e.getMessage());
            return;
        }
        // Replace only what was read: a block saved meanwhile by a current flowcore is already signed.
        if (!store.find(d.name()).map(Document::json).orElse("").equals(d.json())) return;
        store.save(new Document(d.name(), d.typeSlug(), signature.sign(d.name(), d.typeSlug(), doc, key)), true);
        LOG.warn("block '{}' ({}) was saved before flowcore signed blocks: it is now signed under blocks key id {}."
                + " Check that its fields are what you expect", d.name(), d.typeSlug(), key.id());
    }
}
