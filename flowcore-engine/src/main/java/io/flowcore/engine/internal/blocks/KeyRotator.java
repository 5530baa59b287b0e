package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.KeyRotation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockStore.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/*
 * Re-encrypts and re-signs every block under a new key.
 *
 * 1. The new key becomes "pending" (a key file: written durably to <file>.next first, so it exists on
 *    disk before any block depends on it).
 * 2. A dry run reads every block: its signature must verify under its own key (old, or new when an
 *    earlier rotation was interrupted) and every secret must decrypt. Any failure stops the rotation
 *    before anything is written: a modified block is never re-signed.
 * 3. Each block is re-read and replaced by one statement (atomic per block); blocks already under the
 *    new key are skipped, so an interrupted rotation resumes.
 * 4. The new key becomes current (<file>.next renamed over the key file, folder fsynced).
 * Blocks saved concurrently by other processes during a rotation may land under the old key; they
 * then fail to load naming both key ids, and a second rotate-key picks them up. Rotate while idle.
 */
final class KeyRotator {
    private final SignedStore signed;

    KeyRotator(SignedStore signed) {
        this.signed = signed;
    }

    KeyRotation rotate(Optional<BlockKey> given) {
        BlocksKey keys = signed.keys();
        signed.upgradeOnce();
        if (!keys.exists()) {
            throw new BlockException("there is no blocks key yet (set " + BlocksKey.ENV + " or the key file " + keys.file()
                    + " is created by the first save): nothing to rotate");
        }
        BlockKey old = keys.current();
        BlockKey next = chooseNext(keys, old, given);
        List<Document> all = signed.raw().list(null);
        List<String> problems = new ArrayList<>();
        for (Document d : all) {
            try {
                reencrypt(d, old, next);
            } catch (BlockException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new BlockException("key rotation stopped before changing any block, because " + problems.size()
                    + " block(s) cannot be read: " + String.join("; ", problems));
        }
        next = keys.startRotation(next);
        List<String> names = new ArrayList<>();
        for (Document listed : all) {
            Optional<Document> now = signed.raw().find(listed.name());
            if (now.isEmpty()) continue;   // deleted meanwhile
            Document d = now.get();
            Optional<String> rotated = reencrypt(d, old, next);
            if (rotated.isPresent()) signed.raw().save(new Document(d.name(), d.typeSlug(), rotated.get()), true);
            names.add(d.name());
        }
        keys.finishRotation(next);
        return new KeyRotation(old.id(), next.id(), names, keys.fromEnvironment(), keys.source());
    }

    private static BlockKey chooseNext(BlocksKey keys, BlockKey old, Optional<BlockKey> given) {
        Optional<BlockKey> pending = keys.pending();
        if (pending.isPresent() && given.isPresent() && !given.get().id().equals(pending.get().id())) {
            throw new BlockException("an unfinished key rotation to key id " + pending.get().id() + " is pending in "
                    + keys.file() + ".next: run rotate-key without a new key to finish it first");
        }
        BlockKey next = pending.or(() -> given).orElseGet(() -> {
            if (keys.fromEnvironment()) {
                throw new BlockException("the blocks key comes from the environment variable " + BlocksKey.ENV
                        + ", which flowcore cannot change: generate a new key (head -c 32 /dev/urandom | base64), give it"
                        + " to rotate-key (--new-key env:FLOWCORE_BLOCKS_NEW_KEY or --new-key - for stdin), then set "
                        + BlocksKey.ENV + " to it wherever flowcore runs");
            }
            return BlockKey.generate();
        });
        if (next.id().equals(old.id())) {
            throw new BlockException("the new blocks key is the current key (key id " + old.id() + "): give another key");
        }
        return next;
    }

    /* The document re-encrypted and re-signed under next; empty when it already is under next. */
    private Optional<String> reencrypt(Document d, BlockKey old, BlockKey next) {
        BlockSignature sig = signed.signature();
        ObjectNode doc = sig.parse(d.name(), d.json());
        String keyId = sig.keyId(doc).orElseThrow(() -> new BlockException("block '" + d.name() + "' ("
                + d.typeSlug() + ") has no signature: check it and save it again, or delete it"));
        BlockKey under = keyId.equals(old.id()) ? old : keyId.equals(next.id()) ? next : null;
        if (under == null) {
            throw new BlockException("block '" + d.name() + "' (" + d.typeSlug() + ") is under key id " + keyId
                    + ", neither the current key (" + old.id() + ") nor the new one: restore that key, or delete the block");
        }
        if (!sig.verifies(d.name(), d.typeSlug(), doc, under)) throw SignedStore.modified(d);
        ObjectNode content = sig.content(doc);
        SecretCipher from = new SecretCipher(under, "key id " + under.id());
        SecretCipher to = new SecretCipher(next, "key id " + next.id());
        SecretCipher.rewriteCiphertexts(content, (field, value) -> to.encrypt(from.decrypt(value, d.name(), field), d.name(), field));
        return under == next ? Optional.empty() : Optional.of(sig.sign(d.name(), d.typeSlug(), content, next));
    }
}
