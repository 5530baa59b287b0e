package io.flowcore.engine.internal.blocks;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowcore.api.block.BlockException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.function.BiFunction;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/*
 * AES-256-GCM for secret block values, under one BlockKey. Each value gets a random 12-byte IV; the
 * associated data is "<block name>\0<field path>", so a ciphertext moved to another block or field fails
 * to decrypt. Stored form: "aesgcm:v1:" + base64(iv || ciphertext || 16-byte tag).
 */
final class SecretCipher {
    static final String PREFIX = "aesgcm:v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BlockKey key;
    private final String source;

    /** {@code source} says where the key came from, for messages. */
    SecretCipher(BlockKey key, String source) {
        this.key = key;
        this.source = source;
    }

    BlockKey key() {
        return key;
    }

    String encrypt(String plain, String blockName, String field) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key.aes(), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad(blockName, field));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new BlockException("cannot encrypt secret field '" + field + "' of block '" + blockName + "': " + e, e);
        }
    }

    String decrypt(String stored, String blockName, String field) {
        if (!stored.startsWith(PREFIX)) {
            throw new BlockException("secret field '" + field + "' of block '" + blockName
                    + "' is not encrypted in the store (expected " + PREFIX + "…): save the block again");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new BlockException("secret field '" + field + "' of block '" + blockName + "' is corrupt (bad base64)");
        }
        if (all.length < IV_BYTES + TAG_BITS / 8) {
            throw new BlockException("secret field '" + field + "' of block '" + blockName + "' is corrupt (too short)");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key.aes(), new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            c.updateAAD(aad(blockName, field));
            byte[] plain = c.doFinal(all, IV_BYTES, all.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new BlockException("cannot decrypt secret field '" + field + "' of block '" + blockName
                    + "': the blocks key (" + source + ", key id " + key.id() + ") is not the key it was saved with, or"
                    + " the value was tampered with. Restore the original key, or save the block again with the current key");
        } catch (GeneralSecurityException e) {
            throw new BlockException("cannot decrypt secret field '" + field + "' of block '" + blockName + "': " + e, e);
        }
    }

    /**
     * Replaces every encrypted value in {@code doc} (any depth) by {@code change.apply(pointer, value)}.
     * Works on the stored JSON, so no block class is needed (rotation, migration, checks).
     */
    static void rewriteCiphertexts(JsonNode doc, BiFunction<String, String, String> change) {
        walk(doc, JsonPointer.empty(), change);
    }

    /** True when {@code doc} holds at least one encrypted value. */
    static boolean hasCiphertexts(JsonNode doc) {
        boolean[] found = {false};
        walk(doc.deepCopy(), JsonPointer.empty(), (p, v) -> {
            found[0] = true;
            return v;
        });
        return found[0];
    }

    private static void walk(JsonNode node, JsonPointer at, BiFunction<String, String, String> change) {
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                JsonPointer p = at.appendProperty(e.getKey());
                if (isCiphertext(e.getValue())) {
                    o.set(e.getKey(), TextNode.valueOf(change.apply(p.toString(), e.getValue().textValue())));
                } else {
                    walk(e.getValue(), p, change);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonPointer p = at.appendIndex(i);
                if (isCiphertext(a.get(i))) {
                    a.set(i, TextNode.valueOf(change.apply(p.toString(), a.get(i).textValue())));
                } else {
                    walk(a.get(i), p, change);
                }
            }
        }
    }

    private static boolean isCiphertext(JsonNode n) {
        return n.isTextual() && n.textValue().startsWith(PREFIX);
    }

    private static byte[] aad(String blockName, String field) {
        return (blockName + "\0" + field).getBytes(StandardCharsets.UTF_8);
    }
}
