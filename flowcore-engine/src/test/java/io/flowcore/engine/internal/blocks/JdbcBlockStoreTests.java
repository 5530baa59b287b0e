package io.flowcore.engine.internal.blocks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import org.junit.jupiter.api.Test;

class JdbcBlockStoreTests {
    @Test
    void aPasswordInTheStoreUrlNeverAppearsInItsErrors() {
        String pw = "Store-pw-77aa";
        BlockException e = assertThrows(BlockException.class, () -> BlockStoreFactory.jdbc(
                "jdbc:postgresql://127.0.0.1:1/flowcore?connectTimeout=1&Password=" + pw, "u", null));
        assertTrue(e.getMessage().startsWith("cannot open the block store at jdbc:postgresql://127.0.0.1:1/flowcore"),
                e.getMessage());
        assertFalse(e.getMessage().contains(pw), e.getMessage());
        BlockException userInfo = assertThrows(BlockException.class,
                () -> BlockStoreFactory.jdbc("jdbc:postgresql://u:" + pw + "@127.0.0.1:1/flowcore", null, null));
        assertFalse(userInfo.getMessage().contains(pw), userInfo.getMessage());
    }
}
