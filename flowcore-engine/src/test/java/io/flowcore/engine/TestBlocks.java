package io.flowcore.engine;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.BlockTypeProvider;
import io.flowcore.api.block.Secret;
import java.util.List;

/** Small block types for the engine's block tests. */
public final class TestBlocks implements BlockTypeProvider {

    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(TestDatabase.class, TestCredentials.class, TestBucket.class);
    }

    @BlockType(description = "a database for tests")
    public record TestDatabase(String url, String user, Secret password, Secret token) implements Block {
    }

    public record TestCredentials(Secret serviceAccountJson, String project) implements Block {
    }

    @BlockType(slug = "test-bucket-v1")
    public record TestBucket(String bucket, BlockRef<TestCredentials> credentials) implements Block {
    }

    /** Not registered with ServiceLoader. */
    public record Unregistered(String x) implements Block {
    }
}
