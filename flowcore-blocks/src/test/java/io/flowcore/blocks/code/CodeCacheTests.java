package io.flowcore.blocks.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.deployment.FlowCode;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.blocks.testing.FlowJars;
import io.flowcore.engine.FlowCodeUpload;
import io.flowcore.engine.internal.infra.CodeCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's cache of downloaded flow code, on a real LocalLake. */
@DisplayName("flow code cache")
class CodeCacheTests {
    @TempDir
    Path dir;

    /** A LocalLake whose downloads are counted and, when {@code barrier} is set, wait for each other. */
    record CountingLake(LocalLake lake, AtomicInteger downloads, CyclicBarrier barrier) implements ObjectStorageBlock {
        @Override
        public Path download(String key, Path file) {
            Path p = lake.download(key, file);
            downloads.incrementAndGet();
            try {
                if (barrier != null) barrier.await(30, TimeUnit.SECONDS); // both copies are written before either moves
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return p;
        }

        @Override
        public String upload(Path file, String key) {
            return lake.upload(file, key);
        }

        @Override
        public List<Path> downloadFolder(String prefix, Path folder) {
            return lake.downloadFolder(prefix, folder);
        }

        @Override
        public List<String> list(String prefix) {
            return lake.list(prefix);
        }

        @Override
        public boolean exists(String key) {
            return lake.exists(key);
        }

        @Override
        public boolean delete(String key) {
            return lake.delete(key);
        }
    }

    LocalLake lake() {
        return LocalLake.at(dir.resolve("lake"));
    }

    FlowCode uploadJar(String greeting) throws Exception {
        Path jar = FlowJars.helloFlow(dir, "Hello", "hello", greeting);
        lake().upload(jar, "code/hello.jar");
        return new FlowCode("lake", "code/hello.jar", FlowCodeUpload.sha256(jar));
    }

    List<String> entries(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void twoRunsFetchingTheSameCodeAtOnceBothGetOneVerifiedCopy() throws Exception {
        FlowCode code = uploadJar("hello");
        CountingLake lake = new CountingLake(lake(), new AtomicInteger(), new CyclicBarrier(2));
        CodeCache cache = new CodeCache(dir.resolve("cache"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Path>> a = pool.submit(() -> cache.fetch(code, lake));
            Future<List<Path>> b = pool.submit(() -> cache.fetch(code, lake));
            List<Path> jars = List.of(dir.resolve("cache").resolve(code.sha256()).resolve("hello.jar"));
            assertEquals(jars, a.get(60, TimeUnit.SECONDS));
            assertEquals(jars, b.get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, lake.downloads().get(), "both downloaded: the race was real");
        assertEquals(code.sha256(), FlowCodeUpload.sha256(dir.resolve("cache").resolve(code.sha256()).resolve("hello.jar")));
        assertEquals(List.of(code.sha256()), entries(dir.resolve("cache")), "the loser's copy is gone");
        assertEquals(List.of("hello.jar"), entries(dir.resolve("cache").resolve(code.sha256())));
    }

    @Test
    void aCachedCopyIsUsedWithoutDownloadingAndOneEditedByHandIsFetchedAgain() throws Exception {
        FlowCode code = uploadJar("hello");
        CountingLake lake = new CountingLake(lake(), new AtomicInteger(), null);
        CodeCache cache = new CodeCache(dir.resolve("cache"));
        Path jar = cache.fetch(code, lake).get(0);
        assertEquals(List.of(jar), cache.fetch(code, lake));
        assertEquals(1, lake.downloads().get());

        Files.writeString(jar, "tampered");
        assertEquals(List.of(jar), cache.fetch(code, lake));
        assertEquals(2, lake.downloads().get());
        assertEquals(code.sha256(), FlowCodeUpload.sha256(jar));
    }

    @Test
    void aFolderWithAJarReplacedFailsNamingTheBlockAndTheFolderAndKeepsNothing() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("flows"));
        FlowJars.helloFlow(folder, "Hello", "hello", "hello");
        FlowJars.helloFlow(folder, "Other", "other", "hi");
        lake().uploadFolder(folder, "code/flows");
        FlowCode code = new FlowCode("lake", "code/flows", FlowCodeUpload.sha256(folder));
        CodeCache cache = new CodeCache(dir.resolve("cache"));
        assertEquals(2, cache.fetch(new FlowCode("lake", "code/flows/", code.sha256()), lake()).size());

        lake().upload(FlowJars.helloFlow(dir, "Other", "other", "changed"), "code/flows/" + entries(folder).get(1));
        FlowCode fresh = new FlowCode("lake", "code/flows", code.sha256());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CodeCache(dir.resolve("cache2")).fetch(fresh, lake()));
        assertTrue(e.getMessage().startsWith("flow code in block 'lake' does not match the deployment: the jars under "
                + "'code/flows/' (" + entries(folder) + ") have manifest SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().contains(", not " + code.sha256() + " (replaced since the deployment was applied, or a wrong checksum)"),
                e.getMessage());
        assertEquals(List.of(), entries(dir.resolve("cache2")));
    }

    @Test
    void codeThatIsNotThereSaysHowToUploadIt() throws Exception {
        FlowCode code = new FlowCode("lake", "code/missing.jar", "0".repeat(64));
        Files.createDirectories(dir.resolve("lake"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CodeCache(dir.resolve("cache")).fetch(code, lake()));
        assertEquals("flow code 'code/missing.jar' is not in block 'lake' (no object, and no jars under "
                + "'code/missing.jar/'): upload it with `flowcore deployment apply FILE --upload JAR` or "
                + "FlowCodeUpload.upload", e.getMessage());
    }
}
