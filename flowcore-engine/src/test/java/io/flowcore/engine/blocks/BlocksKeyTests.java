package io.flowcore.engine.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.engine.TestBlocks.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocksKeyTests {
    @TempDir
    Path dir;

    private static String key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void environmentKeyWinsAndNoKeyFileIsWritten() {
        BlockCatalog c = new BlockCatalog(BlockStores.inMemory(), new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key(1)), dir.resolve("k")));
        c.save("pg", new TestDatabase("u", "x", Secret.of("s3cret"), null), false);
        assertEquals("s3cret", c.load("pg", TestDatabase.class).password().reveal());
        assertFalse(Files.exists(dir.resolve("k")));
    }

    @Test
    void anotherEnvironmentKeyCannotDecryptAndSaysWhereTheKeyCameFrom() {
        var store = BlockStores.inMemory();
        new BlockCatalog(store, new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key(1)), dir.resolve("k")))
                .save("pg", new TestDatabase("u", "x", Secret.of("s3cret"), null), false);
        BlockCatalog other = new BlockCatalog(store, new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key(2)), dir.resolve("k")));
        BlockException e = assertThrows(BlockException.class, () -> other.load("pg", TestDatabase.class));
        assertTrue(e.getMessage().contains("environment variable FLOWCORE_BLOCKS_KEY"), e.getMessage());
    }

    @Test
    void keyOfTheWrongLengthIsRefused() {
        BlockCatalog c = new BlockCatalog(BlockStores.inMemory(),
                new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", Base64.getEncoder().encodeToString(new byte[16])), dir.resolve("k")));
        BlockException e = assertThrows(BlockException.class,
                () -> c.save("pg", new TestDatabase("u", "x", Secret.of("s3cret"), null), false));
        assertTrue(e.getMessage().contains("must be 32 bytes (256 bits) in base64; it has 16 bytes"), e.getMessage());
    }

    @Test
    void blockWithoutSecretsNeedsNoKey() {
        BlockCatalog c = new BlockCatalog(BlockStores.inMemory(), new BlocksKey(Map.of(), dir.resolve("k")));
        c.save("pg", new TestDatabase("u", "x", null, null), false);
        assertEquals(new TestDatabase("u", "x", null, null), c.load("pg", TestDatabase.class));
        assertFalse(Files.exists(dir.resolve("k")));
    }
}
