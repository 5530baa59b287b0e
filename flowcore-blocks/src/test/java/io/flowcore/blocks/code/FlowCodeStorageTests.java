package io.flowcore.blocks.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.block.Secret;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.FlowCode;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.state.StateType;
import io.flowcore.blocks.aws.AwsCredentials;
import io.flowcore.blocks.aws.S3Bucket;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.blocks.testing.FlowJars;
import io.flowcore.engine.FlowCodeUpload;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deployments whose flow jar is kept in object storage (a LocalLake, S3Mock) and run by a worker in a real
 * child JVM: the flow class is compiled in the test, so neither the test nor the worker has it on its classpath.
 */
@DisplayName("flow code kept in object storage")
class FlowCodeStorageTests {
    @TempDir
    Path dir;
    Flowcore fc;
    ObjectStorageBlock s3; // the S3 block, cleaned up after the test

    @BeforeEach
    void engine() {
        fc = Flowcore.create(cfg -> cfg.home(dir.resolve("home")));
    }

    @AfterEach
    void close() {
        if (s3 != null) for (String k : s3.list("")) s3.delete(k);
        fc.close();
    }

    /** Saves an object-storage block of {@code kind} ("local" or "s3") as "code-store" and returns it. */
    ObjectStorageBlock saveStorage(String kind) {
        if (kind.equals("local")) {
            fc.blocks().save("code-store", LocalLake.at(dir.resolve("lake")));
        } else {
            fc.blocks().save("s3-creds", AwsCredentials.of(TestInfra.require("FLOWCORE_S3_ACCESS_KEY"),
                    Secret.of(TestInfra.require("FLOWCORE_S3_SECRET_KEY"))));
            fc.blocks().save("code-store", new S3Bucket(TestInfra.require("FLOWCORE_S3_BUCKET"), "code-test-" + UUID.randomUUID(),
                    TestInfra.require("FLOWCORE_S3_REGION"), TestInfra.require("FLOWCORE_S3_ENDPOINT"), true,
                    BlockRef.named("s3-creds")));
            s3 = (ObjectStorageBlock) fc.blocks().load("code-store");
        }
        return (ObjectStorageBlock) fc.blocks().load("code-store");
    }

    static Deployment deployment(String className, String name, FlowCode code) {
        return new Deployment("flows.stored." + className, "run", name, Map.of("who", "from storage"), List.of(),
                "default", "").withInfrastructure(Infrastructure.process()).withCode(code);
    }

    /** Creates a run of {@code fullName} and lets a worker execute it (in a child JVM) to its end. */
    FlowRunRecord runThroughWorker(String fullName) throws InterruptedException {
        FlowRunRecord run = fc.deployments().run(fullName, Map.of());
        try (Worker w = fc.worker(o -> o.noScheduler())) {
            assertEquals(1, w.runOnce());
        }
        return fc.history().flowRun(run.id()).orElseThrow();
    }

    List<String> logs(FlowRunRecord run) {
        return fc.history().logs(run.id()).stream().map(RunLog::message).toList();
    }

    Path codeCache() {
        return dir.resolve("home/code");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "s3"})
    void aJarInStorageRunsInAChildJvmAndTheSecondRunUsesTheCachedCopy(String kind) throws Exception {
        ObjectStorageBlock storage = saveStorage(kind);
        Path jar = FlowJars.helloFlow(dir, "Hello", "hello-stored", "hello");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("flows.stored.Hello"), "not on the test's classpath");

        FlowCode code = FlowCodeUpload.upload(fc.blocks(), "code-store", "code/hello-1.jar", jar);
        assertEquals(new FlowCode("code-store", "code/hello-1.jar", FlowCodeUpload.sha256(jar)), code);
        assertTrue(storage.exists("code/hello-1.jar"));
        FlowCodeUpload.apply(fc, deployment("Hello", "stored", code), jar);

        FlowRunRecord first = runThroughWorker("hello-stored/stored");
        assertEquals(StateType.COMPLETED, first.state().type(), () -> first.state() + " " + logs(first));
        assertTrue(logs(first).contains("[stdout] hello from storage"), () -> String.join("\n", logs(first)));
        assertTrue(logs(first).stream().anyMatch(l -> l.startsWith("Started on infrastructure process (pid ")), () -> logs(first).toString());
        Path cached = codeCache().resolve(code.sha256()).resolve("hello-1.jar");
        assertEquals(code.sha256(), FlowCodeUpload.sha256(cached));
        BasicFileAttributes before = Files.readAttributes(cached, BasicFileAttributes.class);

        // Gone from storage: the second run can only start from the cached copy, which is left as it was.
        assertTrue(storage.delete("code/hello-1.jar"));
        FlowRunRecord second = runThroughWorker("hello-stored/stored");
        assertEquals(StateType.COMPLETED, second.state().type(), () -> second.state() + " " + logs(second));
        assertTrue(logs(second).contains("[stdout] hello from storage"), () -> logs(second).toString());
        BasicFileAttributes after = Files.readAttributes(cached, BasicFileAttributes.class);
        assertEquals(before.fileKey(), after.fileKey());
        assertEquals(before.lastModifiedTime(), after.lastModifiedTime());
        assertEquals(List.of(code.sha256()), cacheEntries());
    }

    @Test
    void codeReplacedInStorageAfterApplyFailsTheRunBeforeTheChildStartsNamingTheObject() throws Exception {
        saveStorage("s3");
        Path jar = FlowJars.helloFlow(dir, "Hello", "hello-stored", "hello");
        FlowCode code = FlowCodeUpload.upload(fc.blocks(), "code-store", "code/hello.jar", jar);
        FlowCodeUpload.apply(fc, deployment("Hello", "stored", code), jar);
        // Someone uploads other code to the same key without applying the deployment again.
        s3.upload(FlowJars.helloFlow(dir, "Hello", "hello-stored", "HACKED"), "code/hello.jar");

        FlowRunRecord run = runThroughWorker("hello-stored/stored");
        assertEquals(StateType.FAILED, run.state().type(), run.state()::toString);
        String message = run.state().message();
        assertTrue(message.contains("block 'code-store'") && message.contains("'code/hello.jar'")
                && message.contains(code.sha256()) && message.contains("--upload"), message);
        assertTrue(logs(run).stream().noneMatch(l -> l.startsWith("Started on infrastructure") || l.contains("HACKED")),
                () -> logs(run).toString());
        assertTrue(fc.history().stateHistory(run.id()).stream().map(StateChange::state)
                .noneMatch(s -> s.type() == StateType.RUNNING), "the flow never ran");
        assertEquals(List.of(), cacheEntries(), "nothing unverified is kept");
    }

    @Test
    void aFolderOfJarsIsUploadedWithItsManifestAndRunsWithEveryJarOnTheClasspath() throws Exception {
        ObjectStorageBlock lake = saveStorage("local");
        Path folder = Files.createDirectories(dir.resolve("flows"));
        FlowJars.jar(folder, "greetings.jar", "lib.Greetings", """
                package lib;
                public class Greetings {
                    public static String of(String who) { return "greetings " + who; }
                }
                """);
        FlowJars.jar(folder, "flow.jar", "flows.stored.UsesLib", """
                package flows.stored;
                public class UsesLib {
                    @io.flowcore.api.Flow(name = "uses-lib")
                    public String run(String who) {
                        String said = lib.Greetings.of(who);
                        System.out.println(said);
                        return said;
                    }
                }
                """, folder.resolve("greetings.jar"));
        Files.writeString(folder.resolve("notes.txt"), "not a jar: not uploaded");
        Path stale = Files.writeString(dir.resolve("stale.jar"), "left by an earlier upload");
        lake.upload(stale, "code/flows/old.jar");

        FlowCode code = FlowCodeUpload.upload(fc.blocks(), "code-store", "code/flows", folder);
        assertEquals(List.of("code/flows/flow.jar", "code/flows/greetings.jar"), lake.list("code/flows/"));
        String manifest = FlowCodeUpload.sha256(folder.resolve("flow.jar")) + "  flow.jar\n"
                + FlowCodeUpload.sha256(folder.resolve("greetings.jar")) + "  greetings.jar\n";
        assertEquals(io.flowcore.engine.internal.infra.CodeCache.sha256(manifest), code.sha256());
        FlowCodeUpload.apply(fc, deployment("UsesLib", "stored", code), folder);

        FlowRunRecord run = runThroughWorker("uses-lib/stored");
        assertEquals(StateType.COMPLETED, run.state().type(), () -> run.state() + " " + logs(run));
        assertTrue(logs(run).contains("[stdout] greetings from storage"), () -> logs(run).toString());
    }

    List<String> cacheEntries() throws Exception {
        if (!Files.isDirectory(codeCache())) return List.of();
        try (Stream<Path> s = Files.list(codeCache())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
