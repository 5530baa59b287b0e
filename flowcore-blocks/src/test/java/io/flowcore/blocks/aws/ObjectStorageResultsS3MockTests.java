package io.flowcore.blocks.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.block.Secret;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import io.flowcore.engine.internal.store.ObjectStorageResults;
import io.flowcore.engine.StateStores;
import io.flowcore.engine.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results in object storage (S3Mock, and a local lake): written, read and deleted, also by retention. */
class ObjectStorageResultsS3MockTests {
    @TempDir
    Path dir;
    S3Bucket bucket;

    public static class Big {
        @Task
        public String big(int n) {
            return "result " + n;
        }

        @Flow(name = "big")
        public String run(int n) {
            return big(n);
        }
    }

    S3Bucket bucket() {
        String prefix = "results-test-" + UUID.randomUUID();
        try (Blocks blocks = Blocks.open(dir.resolve("blocks"))) {
            blocks.save("s3-creds", AwsCredentials.of(TestInfra.require("FLOWCORE_S3_ACCESS_KEY"),
                    Secret.of(TestInfra.require("FLOWCORE_S3_SECRET_KEY"))));
            blocks.save("s3", new S3Bucket(TestInfra.require("FLOWCORE_S3_BUCKET"), prefix,
                    TestInfra.require("FLOWCORE_S3_REGION"), TestInfra.require("FLOWCORE_S3_ENDPOINT"), true,
                    BlockRef.named("s3-creds")));
            bucket = blocks.load("s3", S3Bucket.class);
        }
        return bucket;
    }

    @AfterEach
    void cleanUp() {
        if (bucket == null) return;
        for (String k : bucket.list("")) bucket.delete(k);
        bucket.close();
    }

    @Test
    void aResultIsWrittenReadAndDeletedOnS3AndInALocalLake() {
        for (ObjectStorageBlock storage : new ObjectStorageBlock[] {bucket(), new LocalLake(dir.resolve("lake").toString())}) {
            ObjectStorageResults results = new ObjectStorageResults(storage, "flowcore/results");
            results.write("k1", "[1,2]".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("[1,2]".getBytes(StandardCharsets.UTF_8), results.read("k1").orElseThrow());
            assertTrue(storage.exists("flowcore/results/k1.json"));
            assertTrue(results.delete("k1"), storage.toString());
            assertFalse(results.exists("k1"));
            assertFalse(storage.exists("flowcore/results/k1.json"));
            assertFalse(results.delete("k1"), "nothing left to delete");
        }
    }

    @Test
    void retentionDeletesAPrunedRunsResultFromTheBucket() throws Exception {
        S3Bucket s3 = bucket();
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        InstantSource clock = () -> now[0];
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(dir.resolve("home")).clock(clock)
                .store(StateStores.sqlite(dir.resolve("runs.db"))).inlineResultLimit(0)
                .resultStore(s3, "results").retention(Duration.ofDays(30)))) {
            UUID old = fc.execute(Big.class, f -> f.run(1)).id();
            String key = fc.history().taskRuns(old).getFirst().resultRef();
            assertTrue(s3.exists("results/" + key + ".json"));
            now[0] = now[0].plus(Duration.ofDays(31));
            try (Worker w = fc.worker(o -> o.noScheduler())) {
                w.runOnce();
            }
            assertEquals(0, fc.history().flowRuns(FlowRunQuery.all()).size());
            assertFalse(s3.exists("results/" + key + ".json"), "the pruned run's result is gone from the bucket");
        }
    }
}
