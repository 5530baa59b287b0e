package io.flowcore.engine;

import static io.flowcore.engine.TestEngines.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.StateType;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("caching, persisted results and resume")
class CachingAndResumeTests {
    @TempDir
    Path home;
    Flowcore fc;
    TestEngines.ManualClock clock = new TestEngines.ManualClock();

    static final AtomicInteger downloads = new AtomicInteger();
    static final AtomicInteger loads = new AtomicInteger();
    static volatile boolean failLoad;

    public record Month(int year, int month) { }

    public record Csv(Path file, long rows) { }

    @BeforeEach
    void open() {
        downloads.set(0);
        loads.set(0);
        failLoad = false;
        fc = TestEngines.inMemory(home, cfg -> cfg.clock(clock));
    }

    @AfterEach
    void close() {
        fc.close();
    }

    public static class Pipeline {
        @Task(cache = CacheMode.INPUTS, cacheExpirationSeconds = 86_400)
        public Csv download(Month m) {
            downloads.incrementAndGet();
            return new Csv(Path.of("/data/" + m.year() + "-" + m.month() + ".csv"), 1000L * m.month());
        }

        @Task(cache = CacheMode.INPUTS, refreshCache = true)
        public Csv downloadFresh(Month m) {
            downloads.incrementAndGet();
            return new Csv(Path.of("/fresh"), 1);
        }

        @Task(cache = CacheMode.INPUTS)
        public int count(InputStream in) {
            return 0;
        }

        @Task
        public List<String> transform(Csv csv) {
            return List.of(csv.file().toString(), String.valueOf(csv.rows()));
        }

        @Task
        public long load(List<String> rows) {
            loads.incrementAndGet();
            if (failLoad) throw new IllegalStateException("warehouse unavailable");
            return rows.size();
        }

        @Flow
        public Csv fetch(int month) {
            return download(new Month(2021, month));
        }

        @Flow
        public Csv fetchFresh() {
            return downloadFresh(new Month(2021, 1));
        }

        @Flow
        public int unhashable() {
            return count(InputStream.nullInputStream());
        }

        @Flow
        public long etl(int month) {
            Csv csv = download(new Month(2021, month));
            List<String> rows = transform(csv);
            return load(rows);
        }
    }

    @Test
    void theSameInputsReuseThePersistedResultAsCached() {
        FlowRun<Csv> first = fc.execute(Pipeline.class, f -> f.fetch(1));
        FlowRun<Csv> second = fc.execute(Pipeline.class, f -> f.fetch(1));

        assertEquals(1, downloads.get());
        assertEquals(first.result(), second.result());
        TaskRunRecord hit = second.taskRuns().getFirst();
        assertEquals(List.of("Pending", "Cached"), names(fc, hit.id()));
        assertEquals(StateType.COMPLETED, hit.state().type());
    }

    public static class Folders {
        @Task(cache = CacheMode.INPUTS)
        public Path listed(Path folder) {
            downloads.incrementAndGet();
            return folder.resolve("x");
        }

        @Flow
        public Path run(Path folder) {
            return listed(folder);
        }
    }

    @Test
    void aPathArgumentKeepsItsKeyWhenItsFolderComesIntoExistence() throws Exception {
        Path folder = home.resolve("not-yet");
        FlowRun<Path> first = fc.execute(Folders.class, f -> f.run(folder));
        java.nio.file.Files.createDirectories(folder); // Path.toUri() now ends with '/'
        FlowRun<Path> second = fc.execute(Folders.class, f -> f.run(folder));
        assertEquals(1, downloads.get());
        assertEquals(first.result(), second.result());
        assertEquals("Cached", second.taskRuns().getFirst().state().name());
    }

    @Test
    void otherInputsMissTheCache() {
        fc.execute(Pipeline.class, f -> f.fetch(1));
        fc.execute(Pipeline.class, f -> f.fetch(2));
        assertEquals(2, downloads.get());
    }

    @Test
    void anExpiredEntryRunsTheTaskAgain() {
        fc.execute(Pipeline.class, f -> f.fetch(1));
        clock.advance(Duration.ofHours(25));
        FlowRun<Csv> later = fc.execute(Pipeline.class, f -> f.fetch(1));
        assertEquals(2, downloads.get());
        assertEquals("Completed", later.taskRuns().getFirst().state().name());
    }

    @Test
    void refreshCacheAlwaysRuns() {
        fc.execute(Pipeline.class, Pipeline::fetchFresh);
        fc.execute(Pipeline.class, Pipeline::fetchFresh);
        assertEquals(2, downloads.get());
    }

    @Test
    void aCachedResultIsFoundByANewEngineOnTheSameStore() {
        var store = StateStores.inMemory();
        Path results = home.resolve("shared");
        try (Flowcore a = Flowcore.create(cfg -> cfg.home(results).store(new TestEngines.Unclosable(store)))) {
            a.execute(Pipeline.class, f -> f.fetch(3));
        }
        try (Flowcore b = Flowcore.create(cfg -> cfg.home(results).store(new TestEngines.Unclosable(store)))) {
            FlowRun<Csv> run = b.execute(Pipeline.class, f -> f.fetch(3));
            assertEquals(new Csv(Path.of("/data/2021-3.csv"), 3000), run.result());
            assertEquals("Cached", run.taskRuns().getFirst().state().name());
        }
        assertEquals(1, downloads.get());
    }

    @Test
    void aSmallResultIsKeptInTheRunStoreWithItsStateAndNoFileIsWritten() throws Exception {
        FlowRun<Csv> run = fc.execute(Pipeline.class, f -> f.fetch(6));

        String ref = fc.history().taskRuns(run.id()).getFirst().resultRef();
        assertTrue(ref.startsWith("json:"), ref);
        assertEquals(new Csv(Path.of("/data/2021-6.csv"), 6000),
                new com.fasterxml.jackson.databind.ObjectMapper().readValue(ref.substring(5), Csv.class));
        assertEquals(List.of(), listResults(home.resolve("results")));
    }

    @Test
    void aResultOverTheInlineLimitGoesToTheResultStoreAndIsReadBackFromThere() throws Exception {
        var store = StateStores.inMemory();
        try (Flowcore small = Flowcore.create(cfg -> cfg.home(home.resolve("h")).inlineResultLimit(16)
                .store(new TestEngines.Unclosable(store)))) {
            FlowRun<Csv> run = small.execute(Pipeline.class, f -> f.fetch(7));
            String ref = small.history().taskRuns(run.id()).getFirst().resultRef();
            assertEquals(run.taskRuns().getFirst().id().toString(), ref, "a result store key");
            assertEquals(List.of(ref + ".json"), listResults(home.resolve("h/results")));
        }
        // A store written before results were inlined holds only keys: a new engine still reads them.
        try (Flowcore later = Flowcore.create(cfg -> cfg.home(home.resolve("h")).store(new TestEngines.Unclosable(store)))) {
            FlowRun<Csv> again = later.execute(Pipeline.class, f -> f.fetch(7));
            assertEquals("Cached", again.taskRuns().getFirst().state().name());
            assertEquals(new Csv(Path.of("/data/2021-7.csv"), 7000), again.result());
        }
        assertEquals(1, downloads.get());
    }

    @Test
    void anInlineLimitOutsideItsRangeIsRefusedNamingIt() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Flowcore.create(cfg -> cfg.home(home).inlineResultLimit(-1)));
        assertTrue(e.getMessage().contains("inlineResultLimit"), e.getMessage());
    }

    private static List<String> listResults(Path folder) throws java.io.IOException {
        if (!java.nio.file.Files.exists(folder)) return List.of();
        try (var files = java.nio.file.Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anInputWithoutAStableValueFailsWithAnErrorNamingTheParameter() {
        FlowRun<Integer> run = fc.execute(Pipeline.class, Pipeline::unhashable);
        assertEquals(StateType.FAILED, run.state().type());
        String msg = run.taskRuns().getFirst().state().message();
        assertTrue(msg.contains("parameter 'in'") || msg.contains("parameter 'arg0'"), msg);
        assertTrue(msg.contains("no stable value"), msg);
    }

    @Test
    void resumingAFailedRunReusesTheCompletedTasksAndRunsTheRest() {
        failLoad = true;
        FlowRun<Long> failed = fc.execute(Pipeline.class, f -> f.etl(4));
        assertEquals(StateType.FAILED, failed.state().type());
        assertEquals(1, downloads.get());
        assertEquals(1, loads.get());

        failLoad = false;
        downloads.set(0);
        FlowRun<Object> resumed = fc.resume(failed.id());

        assertEquals(2L, resumed.result());
        assertNotEquals(failed.id(), resumed.id());
        assertEquals(failed.id(), fc.history().flowRun(resumed.id()).orElseThrow().resumeOf());
        List<TaskRunRecord> tasks = resumed.taskRuns();
        assertEquals(List.of("Resumed", "Resumed", "Completed"), tasks.stream().map(t -> t.state().name()).toList());
        assertEquals(0, downloads.get(), "download ran again");
        assertEquals(2, loads.get());
    }

    @Test
    void aCompletedRunCannotBeResumed() {
        FlowRun<Long> ok = fc.execute(Pipeline.class, f -> f.etl(5));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> fc.resume(ok.id()));
        assertTrue(e.getMessage().contains("only Failed, Crashed or Cancelled"), e.getMessage());
    }
}
