package io.flowcore.engine.store;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** A store that keeps everything in this process's memory: for tests and throw-away runs. */
final class InMemoryStateStore implements StateStore {
    private final Map<UUID, FlowRunRecord> flowRuns = new ConcurrentHashMap<>();
    private final Map<UUID, TaskRunRecord> taskRuns = new ConcurrentHashMap<>();
    private final Map<UUID, List<TaskRunRecord>> taskRunsByFlow = new ConcurrentHashMap<>();
    private final Map<UUID, List<StateChange>> history = new ConcurrentHashMap<>();
    private final Map<UUID, List<RunLog>> logs = new ConcurrentHashMap<>();
    private final Map<String, CacheEntry> cache = new ConcurrentHashMap<>();
    private final Map<String, EngineLease> leases = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void insertFlowRun(FlowRunRecord run) {
        if (flowRuns.putIfAbsent(run.id(), run) != null) throw new IllegalStateException("flow run exists: " + run.id());
        appendHistory(run.id(), run.state());
    }

    @Override
    public void insertTaskRun(TaskRunRecord run) {
        if (taskRuns.putIfAbsent(run.id(), run) != null) throw new IllegalStateException("task run exists: " + run.id());
        List<TaskRunRecord> list = taskRunsByFlow.computeIfAbsent(run.flowRunId(), k -> new ArrayList<>());
        synchronized (list) {
            list.add(run);
        }
        appendHistory(run.id(), run.state());
    }

    private void appendHistory(UUID id, State s) {
        List<StateChange> h = history.computeIfAbsent(id, k -> new ArrayList<>());
        synchronized (h) {
            h.add(new StateChange(id, h.size(), s));
        }
    }

    @Override
    public void setFlowRunState(UUID flowRunId, State state) {
        FlowRunRecord r = flowRuns.computeIfPresent(flowRunId, (k, v) -> v.withState(state));
        if (r == null) throw new IllegalArgumentException("no flow run " + flowRunId);
        appendHistory(flowRunId, state);
    }

    @Override
    public void setTaskRunState(UUID taskRunId, State state, String resultRef) {
        TaskRunRecord r = taskRuns.computeIfPresent(taskRunId, (k, v) -> v.withState(state, resultRef));
        if (r == null) throw new IllegalArgumentException("no task run " + taskRunId);
        appendHistory(taskRunId, state);
    }

    @Override
    public void appendLog(RunLog log) {
        List<RunLog> l = logs.computeIfAbsent(log.flowRunId(), k -> new ArrayList<>());
        synchronized (l) {
            l.add(log);
        }
    }

    @Override
    public Optional<CacheEntry> findCache(String cacheKey) {
        return Optional.ofNullable(cache.get(cacheKey));
    }

    @Override
    public void putCache(CacheEntry entry) {
        cache.put(entry.cacheKey(), entry);
    }

    @Override
    public void heartbeat(EngineLease lease) {
        leases.put(lease.engineId(), lease);
    }

    @Override
    public void releaseLease(String engineId) {
        leases.remove(engineId);
    }

    @Override
    public List<UUID> markCrashedRuns(Instant now, Duration leaseTimeout, Predicate<EngineLease> isDead, State crashed) {
        List<UUID> marked = new ArrayList<>();
        for (FlowRunRecord r : flowRuns.values()) {
            if (r.state().isFinal()) continue;
            EngineLease lease = leases.get(r.engineId());
            boolean gone = lease == null || lease.heartbeatAt().plus(leaseTimeout).isBefore(now) || isDead.test(lease);
            if (!gone) continue;
            setFlowRunState(r.id(), crashed);
            for (TaskRunRecord t : taskRuns(r.id())) {
                if (!t.state().isFinal()) setTaskRunState(t.id(), crashed, t.resultRef());
            }
            marked.add(r.id());
        }
        return marked;
    }

    @Override
    public Optional<FlowRunRecord> flowRun(UUID id) {
        return Optional.ofNullable(flowRuns.get(id));
    }

    @Override
    public List<FlowRunRecord> flowRuns(FlowRunQuery q) {
        return flowRuns.values().stream()
                .filter(r -> q.flowName() == null || q.flowName().equals(r.flowName()))
                .filter(r -> q.states().isEmpty() || q.states().contains(r.state().type()))
                .filter(r -> q.createdAfter() == null || !r.createdAt().isBefore(q.createdAfter()))
                .filter(r -> q.createdBefore() == null || r.createdAt().isBefore(q.createdBefore()))
                .sorted(Comparator.comparing(FlowRunRecord::createdAt).reversed())
                .limit(q.limit())
                .toList();
    }

    @Override
    public List<TaskRunRecord> taskRuns(UUID flowRunId) {
        List<TaskRunRecord> list = taskRunsByFlow.getOrDefault(flowRunId, List.of());
        synchronized (list) {
            return list.stream().map(t -> taskRuns.get(t.id())).toList();
        }
    }

    @Override
    public Optional<TaskRunRecord> taskRun(UUID id) {
        return Optional.ofNullable(taskRuns.get(id));
    }

    @Override
    public List<StateChange> stateHistory(UUID runId) {
        List<StateChange> h = history.getOrDefault(runId, List.of());
        synchronized (h) {
            return List.copyOf(h);
        }
    }

    @Override
    public List<RunLog> logs(UUID flowRunId) {
        List<RunLog> l = logs.getOrDefault(flowRunId, List.of());
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
