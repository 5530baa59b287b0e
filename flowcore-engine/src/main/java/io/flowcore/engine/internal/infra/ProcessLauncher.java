package io.flowcore.engine.internal.infra;

import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.spi.Launcher;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The {@code process} infrastructure: one child JVM per run, started with this JVM's {@code java}, the
 * worker's classpath (its own and its flows' class loader's) plus the deployment's {@code classpath} and
 * code, the deployment's {@code jvmOptions}, {@code env} and {@code workDir}. Stop is SIGTERM, then SIGKILL
 * after {@code stopGrace} (10 s unless set).
 */
public final class ProcessLauncher implements Launcher {
    static final Set<String> SETTINGS = Set.of("jvmOptions", "env", "workDir", "classpath", "stopGrace");
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    @Override
    public String type() {
        return "process";
    }

    @Override
    public void check(Infrastructure spec) {
        checkSettings(spec, SETTINGS);
        for (String cp : spec.list("classpath")) {
            if (!new File(cp).exists()) {
                throw new IllegalArgumentException("infrastructure process: classpath entry '" + cp + "' does not exist");
            }
        }
        grace(spec);
    }

    /** Unknown settings are an error naming them and the known ones. */
    static void checkSettings(Infrastructure spec, Set<String> known) {
        for (String k : spec.settings().keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("infrastructure " + spec.type() + " has no setting '" + k
                        + "'; its settings are " + new java.util.TreeSet<>(known));
            }
        }
    }

    /** The {@code stopGrace} setting ({@code 10s}, {@code 2m} or ISO-8601). */
    static Duration grace(Infrastructure spec) {
        String g = spec.text("stopGrace");
        if (g == null) return DEFAULT_GRACE;
        try {
            return io.flowcore.engine.internal.schedule.ScheduleJson.duration(g, "infrastructure " + spec.type() + " stopGrace");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public LaunchedRun launch(Launch l) throws IOException {
        Infrastructure spec = l.spec();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Native access for SQLite's driver, so JDK 22+ does not print a warning into every run's log
        if (Runtime.version().feature() >= 22) cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(spec.list("jvmOptions"));
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath(l, spec)));
        cmd.add(l.mainClass());
        cmd.addAll(l.args());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.putAll(l.environment());
        env.putAll(spec.map("env"));
        if (spec.text("workDir") != null) pb.directory(new File(spec.text("workDir")));
        Process p = pb.start();
        return new ChildProcess(p, grace(spec), l.output());
    }

    /** The worker's classpath, then the deployment's entries and code (the runtime's classes come first). */
    private static List<String> classpath(Launch l, Infrastructure spec) {
        Set<String> cp = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (ClassLoader c = Thread.currentThread().getContextClassLoader(); c != null; c = c.getParent()) {
            if (!(c instanceof URLClassLoader u)) continue;
            for (URL url : u.getURLs()) {
                try {
                    cp.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file: nothing a child JVM could load
                }
            }
        }
        cp.addAll(spec.list("classpath"));
        for (Path p : l.codeJars()) cp.add(p.toString());
        cp.remove("");
        return new ArrayList<>(cp);
    }

    /** A started child JVM; its output is read line by line on two virtual threads. */
    static final class ChildProcess implements LaunchedRun {
        private final Process process;
        private final Duration grace;
        private final Thread out;
        private final Thread err;

        ChildProcess(Process process, Duration grace, BiConsumer<Boolean, String> output) {
            this.process = process;
            this.grace = grace;
            this.out = pump(process.getInputStream(), false, output);
            this.err = pump(process.getErrorStream(), true, output);
        }

        private static Thread pump(InputStream in, boolean stderr, BiConsumer<Boolean, String> output) {
            return Thread.ofVirtual().name("flowcore-child-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) output.accept(stderr, line);
                } catch (IOException e) {
                    // the process closed its side: nothing more to read
                }
            });
        }

        @Override
        public String describe() {
            return "pid " + process.pid();
        }

        @Override
        public void stop(Duration g) {
            process.destroy(); // SIGTERM: the child's engine ends what it can
            Duration wait = g == null ? grace : g;
            Thread.ofVirtual().name("flowcore-child-kill").start(() -> {
                try {
                    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) process.destroyForcibly();
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            });
        }

        @Override
        public Exit await() throws InterruptedException {
            int code = process.waitFor();
            out.join();
            err.join();
            return new Exit(code, switch (code) {
                case 137 -> "killed (SIGKILL)";
                case 143 -> "stopped (SIGTERM)";
                default -> null;
            });
        }
    }
}
