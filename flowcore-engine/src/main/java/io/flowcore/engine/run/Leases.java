package io.flowcore.engine.run;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.state.States;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine's lease on its runs. Every heartbeat renews it, picks up cancellations requested through
 * the store by other processes, and marks Crashed the runs of engines that stopped: a lease older
 * than the timeout, or (on this host) a process that no longer exists. That check also runs when the
 * engine opens its store, so a run is never left Running after its process died.
 */
final class Leases implements AutoCloseable {
    private static final String HOST = host();

    private final Engine engine;
    private final Duration interval;
    private final Duration timeout;
    private final Instant startedAt;
    private final long pid = ProcessHandle.current().pid();
    private final ScheduledExecutorService timer;

    Leases(Engine engine, Duration interval, Duration timeout) {
        this.engine = engine;
        this.interval = interval;
        this.timeout = timeout;
        this.startedAt = engine.clock.instant();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowcore-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        beat();
        recoverCrashed();
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            beat();
            pickUpCancellations();
            recoverCrashed();
        } catch (RuntimeException e) {
            RunLogs.ENGINE.warn("heartbeat failed: {}", Errors.describe(e));
        }
    }

    private void beat() {
        engine.store.heartbeat(new EngineLease(engine.engineId, HOST, pid, startedAt, engine.clock.instant()));
    }

    List<UUID> recoverCrashed() {
        Instant now = engine.clock.instant();
        List<UUID> crashed = engine.store.markCrashedRuns(now, timeout, this::isDead,
                States.crashed(now, "the engine running it stopped: its process ended or its lease expired"));
        for (UUID id : crashed) RunLogs.ENGINE.warn("Flow run {} was marked Crashed: its engine stopped", id);
        return crashed;
    }

    private boolean isDead(EngineLease lease) {
        if (lease.engineId().equals(engine.engineId)) return false;
        if (!HOST.equals(lease.host()) || lease.pid() == pid) return false;
        return ProcessHandle.of(lease.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private void pickUpCancellations() {
        if (engine.active.isEmpty()) return;
        for (FlowRunRecord r : engine.store.flowRuns(FlowRunQuery.all().inStates(StateType.CANCELLING))) {
            FlowScope scope = engine.active.get(r.id());
            if (scope != null && !scope.cancelRequested) scope.requestCancel();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS); // a heartbeat in progress must not race the store's close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.store.releaseLease(engine.engineId);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
