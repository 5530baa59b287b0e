package io.flowcore.engine.blocks;

import io.flowcore.api.block.BlockException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/*
 * AES-256-GCM for secret block values. Each value gets a random 12-byte IV; the associated data is
 * "<block name>\0<field path>", so a ciphertext moved to another block or field fails to decrypt.
 * Stored form: "aesgcm:v1:" + base64(iv || ciphertext || 16-byte tag).
 */
final class SecretCipher {
    static final String PREFIX = "aesgcm:v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final BlocksKey key;
    private final SecureRandom random = new SecureRandom();

    SecretCipher(BlocksKey key) {
        this.key = key;
    }

    String encrypt(String plain, String blockName, String field) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key.forEncrypt(), new GCMParameterSpec(TAG_BITS, iv));
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
            c.init(Cipher.DECRYPT_MODE, key.forDecrypt(), new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            c.updateAAD(aad(blockName, field));
            byte[] plain = c.doFinal(all, IV_BYTES, all.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new BlockException("cannot decrypt secret field '" + field + "' of block '" + blockName
                    + "': the blocks key (" + key.source() + ") is not the key it was saved with, or the value was"
                    + " tampered with. Restore the original key, or save the block again with the current key");
        } catch (GeneralSecurityException e) {
            throw new BlockException("cannot decrypt secret field '" + field + "' of block '" + blockName + "': " + e, e);
        }
    }

    private static byte[] aad(String blockName, String field) {
        return (blockName + "\0" + field).getBytes(StandardCharsets.UTF_8);
    }
}
