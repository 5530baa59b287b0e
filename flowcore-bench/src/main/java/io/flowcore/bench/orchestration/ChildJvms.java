package io.flowcore.bench.orchestration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/*
 * Worker processes for a benchmark: child JVMs on the bench's own classpath. They talk to the parent in
 * lines: a child prints READY on stdout once it is set up (engine open, tables there), then waits for GO
 * on stdin before it claims anything, and for STOP before it closes. So every child starts claiming at
 * the same moment and JVM start-up is never part of a measurement. While it works a child may print
 * EXECUTED <count> lines, so the parent knows when the work is done without polling the store under test.
 * A child's stderr goes to the parent's.
 */
final class ChildJvms implements AutoCloseable {
    static final String READY = "READY";
    static final String GO = "GO";
    static final String STOP = "STOP";
    static final String EXECUTED = "EXECUTED ";

    private final List<Process> processes;
    private final List<Writer> stdins = new ArrayList<>();
    private final List<CompletableFuture<Void>> ready = new ArrayList<>();
    private final List<AtomicLong> executed = new ArrayList<>();
    private final java.util.Set<Integer> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ChildJvms(List<Process> processes) {
        this.processes = processes;
        for (int i = 0; i < processes.size(); i++) {
            stdins.add(new OutputStreamWriter(processes.get(i).getOutputStream(), StandardCharsets.UTF_8));
            ready.add(new CompletableFuture<>());
            executed.add(new AtomicLong());
        }
        for (int i = 0; i < processes.size(); i++) {
            int index = i;
            Thread.ofPlatform().daemon().name("worker-process-" + i + "-stdout").start(() -> read(index));
        }
    }

    /**
     * Starts {@code n} JVMs running {@code main} with the arguments {@code args.apply(i)} for child i.
     * {@code env} is added to this process's environment (secrets go there, never on the command line).
     */
    static ChildJvms start(int n, Class<?> main, IntFunction<List<String>> args, Map<String, String> env)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                        "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile="
                                + System.getProperty("logback.configurationFile", "logback-bench.xml"),
                        "-cp", System.getProperty("java.class.path")));
                // e.g. FLOWCORE_BENCH_CHILD_OPTS="-XX:StartFlightRecording=filename=/tmp/w.jfr,settings=profile" to profile the workers
                String extra = System.getenv("FLOWCORE_BENCH_CHILD_OPTS");
                if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
                cmd.add(main.getName());
                cmd.addAll(args.apply(i));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().putAll(env);
                pb.environment().put("FLOWCORE_CONSOLE_LOG", "off");
                started.add(pb.start());
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(Process::destroyForcibly);
            throw e;
        }
        return new ChildJvms(started);
    }

    /** Waits until every child printed READY; fails naming the child that exited or took too long. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < ready.size(); i++) {
            try {
                ready.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("worker process " + i + " was not ready within " + timeout
                        + " (see its stderr above)");
            }
        }
    }

    /** The sum of what the children last reported with {@code EXECUTED <count>} lines. */
    long executed() {
        long sum = 0;
        for (AtomicLong e : executed) sum += e.get();
        return sum;
    }

    /** Reads child i's stdout to its end: READY once, then progress lines. */
    private void read(int i) {
        Process p = processes.get(i);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals(READY)) ready.get(i).complete(null);
                else if (line.startsWith(EXECUTED)) executed.get(i).set(Long.parseLong(line.substring(EXECUTED.length())));
            }
            if (!ready.get(i).isDone()) {
                ready.get(i).completeExceptionally(new IllegalStateException("worker process " + i + " exited with code "
                        + p.waitFor() + " before it was ready (see its stderr above)"));
            }
        } catch (IOException | RuntimeException e) {
            ready.get(i).completeExceptionally(new IllegalStateException("cannot read worker process " + i
                    + "'s output: " + e.getMessage(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills child {@code i} with SIGKILL and waits until it is gone; {@link #stop} then leaves it out. */
    void kill(int i) throws InterruptedException {
        killed.add(i);
        processes.get(i).destroyForcibly().waitFor();
    }

    /** Tells every child to start claiming. */
    void go() throws IOException {
        tellAll(GO);
    }

    /**
     * Tells every child to stop and waits for them to exit; a child still running after {@code grace} is
     * killed.
     *
     * @throws IllegalStateException when a child exited with a non-zero code or had to be killed
     */
    void stop(Duration grace) throws IOException, InterruptedException {
        tellAll(STOP);
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (killed.contains(i)) continue;
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly().waitFor();
                bad.add("worker process " + i + " did not stop within " + grace + " and was killed");
            } else if (p.exitValue() != 0) {
                bad.add("worker process " + i + " exited with code " + p.exitValue() + " (see its stderr above)");
            }
        }
        if (!bad.isEmpty()) throw new IllegalStateException(String.join("; ", bad));
    }

    private void tellAll(String word) throws IOException {
        for (int i = 0; i < stdins.size(); i++) {
            if (!processes.get(i).isAlive()) continue; // stop() reports its exit code
            Writer w = stdins.get(i);
            w.write(word + "\n");
            w.flush();
        }
    }

    /** Kills what is still running (after a failure); a normal end goes through {@link #stop}. */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) p.destroyForcibly();
        }
    }
}
