package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.TaskOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("FlowcoreConfig.taskOptions checks the task it names")
class TaskOptionsConfigTests {
    @TempDir
    Path home;

    static final AtomicInteger attempts = new AtomicInteger();

    public static class Base {
        @Task
        public String extract(String url) {
            return url;
        }
    }

    public static class Pipeline extends Base {
        @Task
        public String transform(String csv) {
            if (attempts.incrementAndGet() < 3) throw new IllegalStateException("flaky");
            return csv.toUpperCase(java.util.Locale.ROOT);
        }

        @Task
        public void load(String rows) {
        }

        /** Not a task. */
        public String helper(String s) {
            return s;
        }

        @Flow
        public String pipeline(String url) {
            String rows = transform(extract(url));
            load(rows);
            return rows;
        }
    }

    private static final UnaryOperator<TaskOptions> THREE_RETRIES = o -> o.withRetries(3);

    private IllegalArgumentException refused(Class<?> flowClass, String method) {
        return assertThrows(IllegalArgumentException.class, () -> Flowcore.create(cfg -> cfg.home(home)
                .store(io.flowcore.engine.StateStores.inMemory())
                .taskOptions(flowClass, method, THREE_RETRIES)));
    }

    @Test
    void aMisspeltMethodNameFailsAtConfigurationNamingTheClassAndListingItsTasks() {
        IllegalArgumentException e = refused(Pipeline.class, "transfrom");

        String m = e.getMessage();
        assertTrue(m.contains(Pipeline.class.getName()), m);
        assertTrue(m.contains("no @Task method named 'transfrom'"), m);
        assertTrue(m.contains("its @Task methods are: extract, load, transform"), m);
    }

    @Test
    void aMethodThatIsNotATaskIsRefusedSayingSo() {
        String m = refused(Pipeline.class, "helper").getMessage();

        assertTrue(m.contains("helper() is not a @Task method"), m);
        assertTrue(m.contains("extract, load, transform"), m);
    }

    @Test
    void aClassWithoutTasksIsRefusedSayingItHasNone() {
        String m = refused(String.class, "length").getMessage();

        assertTrue(m.contains("java.lang.String has no @Task methods"), m);
    }

    @Test
    void aTaskInheritedFromASuperclassMustBeConfiguredOnTheClassThatDeclaresIt() {
        // options given for Pipeline apply to tasks declared in Pipeline (or its subclasses) only,
        // so accepting this would change nothing, silently
        String m = refused(Pipeline.class, "extract").getMessage();

        assertTrue(m.contains("declared in " + Base.class.getName()), m);
        assertTrue(m.contains("pass Base.class"), m);
    }

    @Test
    void aCorrectlyNamedTaskGetsItsOptions() {
        attempts.set(0);
        try (Flowcore fc = TestEngines.inMemory(home, cfg -> cfg.sleeper(d -> { })
                .taskOptions(Pipeline.class, "transform", THREE_RETRIES)
                .taskOptions(Base.class, "extract", THREE_RETRIES))) {
            FlowRun<String> run = fc.execute(Pipeline.class, f -> f.pipeline("x"));

            assertEquals("X", run.result());
            assertEquals(3, attempts.get());
        }
    }
}
