package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.BlockException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/*
 * One 256-bit blocks key and what is derived from it:
 *  - the AES-256-GCM key for secret values is the key itself (as before signatures existed, so old
 *    ciphertexts still decrypt);
 *  - the signing key is HMAC-SHA256(key, "flowcore-block-auth"), so a signature never reuses the
 *    encryption key directly;
 *  - the key id is the hex of the first 8 bytes of HMAC-SHA256(key, "flowcore-key-id"): stored in every
 *    document, printed in errors, it tells keys apart without revealing them.
 */
final class BlockKey {
    static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] raw;
    private final SecretKey aes;
    private final SecretKeySpec signing;
    private final String id;

    private BlockKey(byte[] raw) {
        this.raw = raw.clone();
        this.aes = new SecretKeySpec(raw, "AES");
        this.signing = new SecretKeySpec(hmac(raw, "flowcore-block-auth".getBytes(StandardCharsets.US_ASCII)), "HmacSHA256");
        this.id = HexFormat.of().formatHex(Arrays.copyOf(hmac(raw, "flowcore-key-id".getBytes(StandardCharsets.US_ASCII)), 8));
    }

    /** A key from base64 of 32 bytes; {@code where} names its origin in errors. */
    static BlockKey decode(String base64, String where) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new BlockException("the blocks key in " + where + " is not valid base64");
        }
        if (raw.length != BYTES) {
            throw new BlockException("the blocks key in " + where + " must be 32 bytes (256 bits) in base64; it has "
                    + raw.length + " bytes");
        }
        return new BlockKey(raw);
    }

    static BlockKey generate() {
        byte[] raw = new byte[BYTES];
        RANDOM.nextBytes(raw);
        return new BlockKey(raw);
    }

    /** The short fingerprint stored in documents and shown in messages. */
    String id() {
        return id;
    }

    SecretKey aes() {
        return aes;
    }

    /** The key in base64, for the key file only. */
    String base64() {
        return Base64.getEncoder().encodeToString(raw);
    }

    /** HMAC-SHA256 of {@code data} under the signing sub-key, in base64. */
    String sign(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signing);
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new BlockException("cannot sign a block document: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} is this key's signature of {@code data} (compared in constant time). */
    boolean verifies(byte[] data, String signature) {
        return MessageDigest.isEqual(sign(data).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Never the key: only its id. */
    @Override
    public String toString() {
        return "BlockKey[id=" + id + "]";
    }
}
