package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.state.StateType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash hook runs where the flow's code is: when the worker that saw the run crash does not have the flow's
 * classes, its deployment's infrastructure starts a short JVM with them for the hooks.
 */
@DisplayName("crash hooks of a flow the worker does not have")
class CrashHooksElsewhereTests {
    private static final String SOURCE = """
            package hooked;

            import io.flowcore.api.Flow;
            import io.flowcore.api.run.FlowRunRecord;
            import io.flowcore.api.state.State;

            public class Hooked {
                @Flow(name = "hooked", onCrashed = "crashed")
                public void hooked() throws Exception {
                    new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                }

                public void crashed(FlowRunRecord run, State state) throws Exception {
                    java.nio.file.Files.writeString(java.nio.file.Path.of(System.getenv("HOOK_MARKER")),
                            run.name() + " " + state.type() + " in pid " + ProcessHandle.current().pid());
                }
            }
            """;

    @TempDir
    Path home;

    @Test
    void theCrashHookOfAFlowOutsideTheWorkersClasspathRunsInAJvmWithItsCode() throws Exception {
        Path jar = compile(home.resolve("src"), home.resolve("hooked.jar"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("hooked.Hooked"), "not on the worker's classpath");
        Path marker = home.resolve("hook-ran");
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).lease(Duration.ofMillis(200), Duration.ofSeconds(5)))) {
            Deployment d = new Deployment("hooked.Hooked", "hooked", "elsewhere", Map.of(), List.of(), "default", "")
                    .withInfrastructure(Infrastructure.process().with("classpath", List.of(jar.toString()))
                            .with("env", Map.of("HOOK_MARKER", marker.toString())));
            ClassLoader before = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader withJar = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
                Thread.currentThread().setContextClassLoader(withJar); // applying reads the flow's parameters
                fc.deployments().apply(d);
            } finally {
                Thread.currentThread().setContextClassLoader(before);
            }
            FlowRunRecord run = fc.deployments().run("hooked/elsewhere", Map.of());
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                w.runOnce();
            }
            assertEquals(StateType.CRASHED, fc.history().flowRun(run.id()).orElseThrow().state().type());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(marker) || Files.readString(marker).isBlank()) { // the hooks' JVM runs in the background
                assertTrue(System.nanoTime() < deadline, "the crash hook never ran: "
                        + fc.history().logs(run.id()).stream().map(RunLog::message).toList());
                Thread.sleep(20);
            }
            String said = Files.readString(marker);
            assertTrue(said.startsWith(run.name() + " CRASHED in pid "), said);
            assertTrue(!said.endsWith(" " + ProcessHandle.current().pid()), "not in the worker's JVM: " + said);
        }
    }

    /** Compiles {@link #SOURCE} against this JVM's classpath into a jar of its own. */
    private static Path compile(Path src, Path jar) throws Exception {
        Path file = src.resolve("hooked/Hooked.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, SOURCE);
        Path classes = src.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "-parameters", file.toString());
        assertEquals(0, rc, "javac");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("hooked/Hooked.class"));
            out.write(Files.readAllBytes(classes.resolve("hooked/Hooked.class")));
            out.closeEntry();
        }
        return jar;
    }
}
