package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.block.Secret;
import io.flowcore.api.state.StateType;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("blocks from inside a flow")
class RunContextBlocksTests {
    @TempDir
    Path home;

    public static class UsesABlock {
        @Task
        public String connect(String blockName) {
            TestBlocks.TestDatabase db = RunContext.current().block(blockName, TestBlocks.TestDatabase.class);
            return db.url() + " as " + db.user();
        }

        @Flow
        public String run(String blockName) {
            return connect(blockName);
        }
    }

    @Test
    void aTaskLoadsASavedBlockOfTheEngineRunningIt() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            fc.blocks().save("warehouse-db", new TestBlocks.TestDatabase("jdbc:postgresql://db/x", "etl",
                    Secret.of("pw"), Secret.of("tok")));

            FlowRun<String> ok = fc.execute(UsesABlock.class, f -> f.run("warehouse-db"));
            assertEquals("jdbc:postgresql://db/x as etl", ok.result());

            FlowRun<String> missing = fc.execute(UsesABlock.class, f -> f.run("no-such-block"));
            assertEquals(StateType.FAILED, missing.state().type());
            assertTrue(missing.state().message().contains("no-such-block"), missing.state().message());
        }
    }
}
