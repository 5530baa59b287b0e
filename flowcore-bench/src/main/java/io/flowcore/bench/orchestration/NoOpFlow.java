package io.flowcore.bench.orchestration;

import io.flowcore.api.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The flow the orchestration benchmark deploys: it does nothing but note, in this process, that its body
 * ran for run {@code n}. Each worker process writes its notes to its own file at the end, so the parent
 * can count runs whose body ran more than once without a side table that would load the store.
 */
public class NoOpFlow {
    static final String FLOW = "orch-noop";
    static final Queue<Integer> EXECUTED = new ConcurrentLinkedQueue<>();

    /**
     * When set (the crash benchmark), each body also appends its flow run's id to this file as it runs, so a
     * worker killed with SIGKILL leaves what it executed (the OS keeps written bytes of a killed process).
     */
    static volatile java.nio.channels.FileChannel live;

    /** Runs n's body: records n and returns it. */
    @Flow(name = FLOW)
    public int noop(int n) throws IOException {
        EXECUTED.add(n);
        java.nio.channels.FileChannel f = live;
        if (f != null) {
            byte[] line = (io.flowcore.api.RunContext.current().flowRunId() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            synchronized (NoOpFlow.class) {
                f.write(java.nio.ByteBuffer.wrap(line));
            }
        }
        return n;
    }

    /** Writes the {@code n} of every body that ran in this process, one per line. */
    static void writeExecuted(Path file) throws IOException {
        Files.writeString(file, EXECUTED.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n")));
    }
}
