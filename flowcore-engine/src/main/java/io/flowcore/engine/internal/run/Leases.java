package io.flowcore.engine.internal.run;

import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.state.States;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/*
 * The engine's lease on its runs. Every heartbeat renews it, picks up cancellations requested through
 * the store by other processes, and marks Crashed (through Transitions, as takeovers) the runs of
 * engines that are gone.
 *
 * When is another engine gone? Its heartbeat_at is written on *its* clock, so comparing it with this
 * engine's clock would let a clock that runs minutes ahead declare a live engine dead. Instead this engine
 * watches the value: an engine is gone when its heartbeat has not changed for the lease timeout measured
 * on this engine's own clock (a fresh observer therefore waits one full timeout before its first verdict,
 * and after the store was unreachable the watch starts over, so an outage never expires a lease). It is
 * gone at once when its process is visibly dead: same kernel boot and PID namespace as this process
 * (ProcessIdentity), and no live process with its pid and start time. A same-named host in another PID
 * namespace (a container) never gets that verdict. A run held by an engine with no lease at all (it
 * released it) is gone too. A wrong verdict costs a Crashed run, not a lost state: the takeover moves the
 * claim epoch on and the store refuses the previous holder's later writes.
 */
final class Leases implements AutoCloseable {
    private static final ProcessIdentity ME = ProcessIdentity.current();

    private record Seen(Instant heartbeatAt, Instant since) {
    }

    private final Engine engine;
    private final Duration interval;
    private final Duration timeout;
    private final Instant startedAt;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService watchdog;
    /** Other engines' heartbeats as last seen, and since when (this engine's clock); heartbeat thread only. */
    private final Map<String, Seen> seen = new HashMap<>();
    private volatile boolean paused;
    /** When the store last took a heartbeat (this engine's clock). */
    private volatile Instant lastRenewed;

    Leases(Engine engine, Duration interval, Duration timeout) {
        this.engine = engine;
        this.interval = interval;
        this.timeout = timeout;
        this.startedAt = engine.clock.instant();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "flowcore-heartbeat"));
        // One heartbeat interval before the lease would expire, but never within 1.5 intervals: renewals come
        // every interval plus the time a tick takes, so a tighter bound cancels healthy runs on a busy machine.
        Duration latest = timeout.minus(interval);
        Duration floor = interval.multipliedBy(3).dividedBy(2);
        this.cancelAfter = latest.compareTo(floor) < 0 ? floor : latest;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "flowcore-lease-watchdog"));
    }

    void start() {
        beat();
        lastRenewed = engine.clock.instant();
        recoverCrashed();
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        // On a thread of its own: a heartbeat stuck on an unreachable store must not keep it from firing.
        watchdog.scheduleWithFixedDelay(this::cancelBeforeTheLeaseExpires, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (paused) return;
        try {
            beat();
            List<RunClaim> live = engine.store.liveRuns(); // reads through the writer: the beat is in
            lastRenewed = engine.clock.instant();
            pickUpCancellations(live);
            pickUpTakeovers(live);
            recover(live);
        } catch (RuntimeException e) {
            synchronized (seen) {
                seen.clear(); // the store was out of reach: no lease may expire because of that
            }
            RunLogs.ENGINE.warn("heartbeat failed: {}", Errors.describe(e));
        }
    }

    /**
     * The store has not taken a heartbeat for almost the lease timeout: other engines will soon count this
     * one as gone and mark its runs Crashed. Stop them here first, so a run never goes on executing after
     * its lease expired (when another worker may already be in charge of what comes next).
     */
    /** How long without a renewal before this engine cancels its own runs. */
    private final Duration cancelAfter;

    private void cancelBeforeTheLeaseExpires() {
        if (paused) return;
        Duration silent = Duration.between(lastRenewed, engine.clock.instant());
        if (silent.compareTo(cancelAfter) < 0 || engine.active.isEmpty()) return;
        for (FlowScope scope : engine.active.values()) {
            if (scope.cancelRequested) continue;
            String why = "cancelled by its engine: the store had not taken the engine's heartbeat for "
                    + silent.toMillis() / 1000.0 + " s (lease timeout " + timeout.toMillis() / 1000.0
                    + " s), so another engine could soon count it crashed";
            RunLogs.ENGINE.warn("{}: {}", scope.label(), why);
            scope.requestCancel(why);
        }
    }

    private void beat() {
        engine.store.heartbeat(new EngineLease(engine.engineId, ME.host(), ME.pid(), startedAt, engine.clock.instant(),
                ME.namespace(), ME.start()));
        if (engine.meters != null) engine.meters.counter("flowcore.engine.lease.renewals").increment();
    }

    List<UUID> recoverCrashed() {
        return recover(engine.store.liveRuns());
    }

    private List<UUID> recover(List<RunClaim> live) {
        Instant now = engine.clock.instant();
        List<UUID> crashed = new ArrayList<>();
        synchronized (seen) {
            Set<String> present = new HashSet<>();
            Map<UUID, String> gone = new java.util.LinkedHashMap<>();
            for (RunClaim run : live) {
                if (run.engineId() == null || run.engineId().equals(engine.engineId)) continue;
                if (run.lease() != null) present.add(run.lease().engineId());
                String why = goneBecause(run.lease(), now);
                if (why != null) gone.put(run.claim().flowRunId(), why);
            }
            seen.keySet().retainAll(present);
            if (gone.isEmpty()) return crashed;
            // Read again: the store now replays the journals of engines that died since the first read, so
            // what they acknowledged is in before the takeover refuses everything under their claim.
            for (RunClaim run : engine.store.liveRuns()) {
                String why = gone.get(run.claim().flowRunId());
                if (why == null) continue;
                var state = States.crashed(now, "the engine running it stopped: " + why);
                if (engine.transitions.crash(run, state).isPresent()) {
                    crashed.add(run.claim().flowRunId());
                    RunLogs.ENGINE.warn("Flow run '{}' was marked Crashed: its engine {} {}", run.runName(),
                            run.engineId(), why);
                    engine.hooks.afterCrash(run.claim().flowRunId(), state);
                    retryAfterCrash(run.claim().flowRunId());
                }
            }
        }
        return crashed;
    }

    /** A deployment's crashed run goes back to its queue when the deployment allows retries. */
    private void retryAfterCrash(UUID id) {
        if (!(engine.store instanceof io.flowcore.api.spi.WorkQueueStore)) return;
        try {
            new DeploymentActions(engine, new DeploymentService(engine)).retryAfterCrash(id);
        } catch (RuntimeException e) {
            RunLogs.ENGINE.warn("could not queue crashed flow run {} again: {}", id, Errors.describe(e));
        }
    }

    /** Why the lease's engine counts as gone, or null while it may be alive. Called holding {@code seen}. */
    private String goneBecause(EngineLease lease, Instant now) {
        if (lease == null) return "released its lease";
        if (ME.sees(lease) && !ME.isAlive(lease)) return "ended (its process " + lease.pid() + " is gone)";
        Seen s = seen.get(lease.engineId());
        if (s == null || !s.heartbeatAt().equals(lease.heartbeatAt())) {
            seen.put(lease.engineId(), new Seen(lease.heartbeatAt(), now));
            return null;
        }
        Duration silent = Duration.between(s.since(), now);
        return silent.compareTo(timeout) >= 0
                ? "stopped renewing its lease (no heartbeat for " + silent.toMillis() / 1000.0 + " s)" : null;
    }

    /** Cancellations another process asked for: re-claim the run and stop it here. */
    private void pickUpCancellations(List<RunClaim> live) {
        if (engine.active.isEmpty()) return;
        for (RunClaim r : live) {
            if (r.state().type() != StateType.CANCELLING) continue;
            FlowScope scope = engine.active.get(r.claim().flowRunId());
            if (scope != null && !scope.cancelRequested) engine.onTakeOver(scope);
        }
    }

    /**
     * Runs executing here that another process ended under a claim of its own, typically marked Crashed because
     * the worker that claimed them died while this JVM (its child process or container) ran on: stop them now,
     * not at their next write, which the store would refuse, so a long task does not run on beside a retry.
     */
    private void pickUpTakeovers(List<RunClaim> live) {
        if (engine.active.isEmpty()) return;
        Set<UUID> held = new HashSet<>();
        for (RunClaim r : live) held.add(r.claim().flowRunId());
        for (FlowScope scope : engine.active.values()) {
            if (scope.cancelRequested || scope.takenOver || held.contains(scope.id)) continue;
            var now = engine.store.currentClaim(scope.id); // the run has ended in the store: under whose claim?
            if (now.isPresent() && now.get().epoch() != scope.claim.epoch()) engine.onTakeOver(scope);
        }
    }

    /** Test hook: stops renewing the lease, as a long GC pause or a stalled writer would. */
    void pauseForTest(boolean pause) {
        this.paused = pause;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS); // a heartbeat in progress must not race the store's close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.store.releaseLease(engine.engineId);
    }
}
