package io.flowcore.api.block;

import java.util.List;

/**
 * What a blocks key rotation did.
 *
 * @param previousKeyId      the id of the key the blocks were under
 * @param newKeyId           the id of the key they are under now
 * @param blocks             the names of the blocks re-encrypted and re-signed, sorted
 * @param keyFromEnvironment true when the key comes from {@code FLOWCORE_BLOCKS_KEY}: flowcore cannot
 *                           change it, so set it to the new key wherever flowcore runs (until then
 *                           those processes fail to load blocks, naming both key ids)
 * @param keySource          where the current key is kept (a key file path or the variable), for messages
 */
public record KeyRotation(String previousKeyId, String newKeyId, List<String> blocks, boolean keyFromEnvironment,
                          String keySource) {
    public KeyRotation {
        blocks = List.copyOf(blocks);
    }
}
