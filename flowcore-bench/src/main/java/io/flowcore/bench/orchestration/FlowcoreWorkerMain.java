package io.flowcore.bench.orchestration;

import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One worker process of the orchestration benchmark: opens an engine on the shared store and a worker on
 * the benchmark's queue, claims from GO until STOP, then writes which run bodies it executed.
 *
 * <p>Arguments: {@code <store spec> <home folder> <limit> <poll ms> <executions file> [<live executions file>]}.
 */
public final class FlowcoreWorkerMain {
    private FlowcoreWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        BenchStore store = BenchStore.parse(args[0]);
        Path home = Path.of(args[1]);
        int limit = Integer.parseInt(args[2]);
        Duration poll = Duration.ofMillis(Long.parseLong(args[3]));
        Path executions = Path.of(args[4]);
        if (args.length > 5) {
            NoOpFlow.live = java.nio.channels.FileChannel.open(Path.of(args[5]), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND);
        }
        try (Flowcore fc = Flowcore.create(cfg -> {
            cfg.home(home);
            store.configure(cfg);
        })) {
            // As a real worker has its deployments: applying the same content again makes no new version, and
            // the engine meets the flow class here, before the first run.
            fc.deployments().apply(args.length > 5 ? CrashBench.deployment() : FlowcoreOrchestration.deployment());
            Worker worker = fc.worker(o -> o.queues(FlowcoreOrchestration.QUEUE).limit(limit).pollInterval(poll));
            ParentChannel.ready();
            ParentChannel.await(ChildJvms.GO);
            worker.start();
            Thread progress = Thread.ofPlatform().daemon().start(() -> ParentChannel.reportProgress(worker::executed));
            ParentChannel.await(ChildJvms.STOP);
            progress.interrupt();
            worker.close();
        } // closing the engine commits the states still queued for the store
        NoOpFlow.writeExecuted(executions);
    }
}
