package io.flowcore.engine.internal.run;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore.ClaimedRun;
import io.flowcore.api.spi.Launcher;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.infra.CodeCache;
import io.flowcore.engine.internal.infra.Launchers;
import io.flowcore.engine.internal.state.States;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/*
 * A claimed run executed outside this JVM by its deployment's infrastructure (a child JVM, a container). The
 * child opens the same store and writes the run's states under this worker's claim; the run stays held by
 * this engine (its lease keeps it alive), so the worker is where it is cancelled and where its end is settled:
 *
 * - it sits in engine.active like a local run, so a cancel (local, from another process, or the lease
 *   watchdog's) interrupts the waiting thread; the worker then takes a new claim first — the child's later
 *   writes are refused — stops the child (SIGTERM, SIGKILL after the grace) and ends the run Cancelled;
 * - the child's stdout and stderr go into the run's log;
 * - when the child exits and the run has no final state, the worker ends it Crashed with the exit code and
 *   the last lines of stderr; a run another process took over (marked Crashed) is left as the store says.
 */
final class DelegatedRun {
    private static final int TAIL = 5;
    private final Engine engine;
    private final ClaimedRun claimed;
    private final DeploymentRecord deployment;
    private final Deque<String> stderrTail = new ArrayDeque<>();

    DelegatedRun(Engine engine, ClaimedRun claimed, DeploymentRecord deployment) {
        this.engine = engine;
        this.claimed = claimed;
        this.deployment = deployment;
    }

    FlowOutcome execute() {
        FlowRunRecord r = claimed.run();
        FlowScope scope = new FlowScope(engine, r.id(), r.name(), null, null, Map.of(), r.resumeOf(), r.state());
        scope.claim = claimed.claim();
        scope.threads.add(Thread.currentThread());
        engine.active.put(r.id(), scope);
        try {
            return run(scope);
        } finally {
            engine.active.remove(r.id());
            engine.store.forget(r.id());
            scope.threads.remove(Thread.currentThread());
            Thread.interrupted(); // a cancel that came after the end must not leak into the worker's thread
        }
    }

    private FlowOutcome run(FlowScope scope) {
        String type = deployment.infrastructure().type();
        Launcher.LaunchedRun child;
        try {
            Launcher launcher = Launchers.load(Thread.currentThread().getContextClassLoader())
                    .forSpec(deployment.infrastructure());
            if (engine.childEnvironment == null) {
                throw new IllegalStateException("the " + type + " infrastructure needs a store its JVM can open "
                        + "(a home folder or a database URL); this worker's store was given as an object");
            }
            List<Path> code = code(engine, deployment);
            child = launcher.launch(new Launcher.Launch(claimed.run(), deployment, deployment.infrastructure(),
                    "io.flowcore.engine.ChildRun", List.of("--flow-run", scope.id.toString(), "--claim-epoch",
                    Long.toString(scope.claim.epoch())), engine.childEnvironment, code, this::output));
        } catch (Exception | LinkageError e) {
            String why = "cannot start flow run '" + scope.name + "' on infrastructure " + type + ": " + Errors.describe(e);
            RunLogs.ENGINE.error(why);
            return end(scope, States.failed(engine.clock.instant(), why), e);
        }
        engine.logs.forFlow(scope).info("Started on infrastructure {} ({})", type, child.describe());
        Launcher.Exit exit;
        try {
            exit = child.await();
        } catch (InterruptedException e) {
            return cancel(scope, child);
        }
        return settle(scope, child, exit);
    }

    /** The deployment's code from storage, downloaded once and verified (none when the worker's classpath has it). */
    static List<Path> code(Engine engine, DeploymentRecord deployment) throws java.io.IOException {
        var code = deployment.code();
        if (code == null) return List.of();
        ObjectStorageBlock storage = engine.blocks.load(code.block(), ObjectStorageBlock.class);
        Path root = Path.of(engine.childEnvironment.getOrDefault("FLOWCORE_HOME", System.getProperty("java.io.tmpdir")), "code");
        return new CodeCache(root).fetch(code, storage);
    }

    private void output(boolean stderr, String line) {
        if (stderr) {
            synchronized (stderrTail) {
                if (stderrTail.size() == TAIL) stderrTail.removeFirst();
                stderrTail.addLast(line);
            }
        }
        intoLog(engine.logs.forFlowRun(claimed.run().id(), claimed.run().name()), stderr, line);
    }

    /**
     * A line a run's JVM wrote, into the run's log: stderr as a warning, stdout as information. A timestamp the
     * child's own console pattern put first (e.g. {@code 08:33:34.808 INFO …}) is dropped: the run's log
     * line has its own.
     */
    static void intoLog(org.slf4j.Logger log, boolean stderr, String line) {
        String text = withoutLeadingTime(line);
        if (stderr) log.warn("[stderr] {}", text);
        else log.info("[stdout] {}", text);
    }

    /** {@code 2026-12-03 08:33:34,808}, {@code 2026-12-03T08:33:34.808Z} or {@code 08:33:34.808}, then blanks. */
    private static final java.util.regex.Pattern LEADING_TIME = java.util.regex.Pattern.compile(
            "^\\[?(\\d{4}-\\d{2}-\\d{2}[ T])?\\d{2}:\\d{2}:\\d{2}([.,]\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?]?\\s+");

    static String withoutLeadingTime(String line) {
        java.util.regex.Matcher m = LEADING_TIME.matcher(line);
        return m.lookingAt() && m.end() < line.length() ? line.substring(m.end()) : line;
    }

    /** Takes the run from the child (its writes are refused from now on), stops it and ends the run Cancelled. */
    private FlowOutcome cancel(FlowScope scope, Launcher.LaunchedRun child) {
        if (!scope.takenOver) {
            try {
                synchronized (scope) {
                    fence(scope);
                }
            } catch (RuntimeException e) { // e.g. the store is unreachable (the lease watchdog's cancel): stop it anyway
                RunLogs.ENGINE.warn("{}: could not take the run back from its {} before stopping it: {}", scope.label(),
                        deployment.infrastructure().type(), Errors.describe(e));
            }
        }
        child.stop(null);
        boolean interrupted = false;
        while (true) {
            try {
                child.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // a second cancel: keep waiting for the child to go
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (scope.takenOver) return outcome(scope, engine.storedState(scope), null);
        String why = scope.cancelReason != null ? scope.cancelReason : "flow run cancelled";
        return end(scope, States.cancelled(engine.clock.instant(), why), null);
    }

    /** Moves the run to Cancelling under a new claim of this engine, so nothing the child writes later counts. */
    private void fence(FlowScope scope) {
        Optional<RunClaim> live = engine.liveRun(scope.id);
        if (live.isEmpty()) return; // the child ended it meanwhile
        RunClaim run = live.get();
        if (!engine.engineId.equals(run.engineId())) return;
        if (run.state().type() != StateType.CANCELLING) {
            if (run.claim().epoch() != scope.claim.epoch()) return;
            if (engine.transitions.requestCancel(run, States.cancelling(engine.clock.instant())).isEmpty()) return;
            run = engine.liveRun(scope.id).orElse(null);
            if (run == null) return;
        }
        engine.transitions.reclaim(run, engine.engineId).ifPresent(c -> {
            scope.claim = c;
            scope.state = States.cancelling(engine.clock.instant());
        });
    }

    /** After the child exited: its final state stands; without one the run ends Crashed, saying how the child ended. */
    private FlowOutcome settle(FlowScope scope, Launcher.LaunchedRun child, Launcher.Exit exit) {
        if (scope.cancelRequested) return cancel(scope, child);
        State stored = engine.storedState(scope);
        if (stored.isFinal()) return outcome(scope, stored, null);
        StringBuilder why = new StringBuilder("its ").append(deployment.infrastructure().type()).append(" (")
                .append(child.describe()).append(") exited with code ").append(exit.code());
        if (exit.reason() != null) why.append(", ").append(exit.reason());
        why.append(", before the flow run reached a final state");
        synchronized (stderrTail) {
            if (!stderrTail.isEmpty()) why.append("; last output: ").append(String.join(" | ", stderrTail));
        }
        // The child wrote under this claim with sequence numbers this engine has not seen: ending the run under a
        // new claim (a takeover, like any crash verdict) orders the Crashed state after everything the child wrote.
        State crashed = States.crashed(engine.clock.instant(), why.toString());
        Optional<RunClaim> live = engine.liveRun(scope.id);
        if (live.isEmpty() || engine.transitions.crash(live.get(), crashed).isEmpty()) {
            return outcome(scope, engine.storedState(scope), null);
        }
        engine.logs.forFlow(scope).error("Finished in state {}", crashed);
        engine.hooks.afterCrash(scope.id, crashed);
        try {
            new DeploymentActions(engine, new DeploymentService(engine)).retryAfterCrash(scope.id);
        } catch (RuntimeException e) {
            RunLogs.ENGINE.warn("could not queue crashed flow run {} again: {}", scope.id, Errors.describe(e));
        }
        return outcome(scope, crashed, null);
    }

    private FlowOutcome end(FlowScope scope, State end, Throwable error) {
        State from = engine.storedState(scope);
        if (from.isFinal()) return outcome(scope, from, error);
        State stored = engine.transitions.endFlowRun(scope.claim, scope.label(), from, end, null);
        var log = engine.logs.forFlow(scope);
        if (stored.type() == StateType.CANCELLED) log.info("Finished in state {}", stored);
        else log.error("Finished in state {}", stored);
        return outcome(scope, stored, error);
    }

    private FlowOutcome outcome(FlowScope scope, State state, Throwable error) {
        return new FlowOutcome(scope.id, scope.name, claimed.run().flowName(), state, null, error);
    }
}
