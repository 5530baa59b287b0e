package io.flowcore.engine.internal.store;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.CacheEntry;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.EngineLease;
import io.flowcore.api.spi.RunClaim;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A store that keeps everything in this process's memory: for tests and throw-away runs. */
final class InMemoryStateStore implements StateStore, DeploymentStore, io.flowcore.api.spi.WorkQueueStore {
    private final Map<UUID, FlowRunRecord> flowRuns = new ConcurrentHashMap<>();
    private final Map<UUID, TaskRunRecord> taskRuns = new ConcurrentHashMap<>();
    private final Map<UUID, List<TaskRunRecord>> taskRunsByFlow = new ConcurrentHashMap<>();
    private final Map<UUID, List<StateChange>> history = new ConcurrentHashMap<>();
    private final Map<UUID, List<RunLog>> logs = new ConcurrentHashMap<>();
    private final Map<String, CacheEntry> cache = new ConcurrentHashMap<>();
    private final Map<String, EngineLease> leases = new ConcurrentHashMap<>();
    /** Flow run id → claim epoch; also the lock for every state change (so fencing is atomic). */
    private final Map<UUID, Long> claims = new HashMap<>();
    private final List<Consumer<UUID>> claimLost = new CopyOnWriteArrayList<>();
    /** Deployment versions, oldest first; guarded by {@code claims}. */
    private final List<DeploymentRecord> deploymentVersions = new ArrayList<>();
    /** Runs waiting for a worker: run id → work queue; guarded by {@code claims}. */
    private final Map<UUID, String> waiting = new LinkedHashMap<>();
    /** Work queues, paused deployments and each deployment run's deployment; guarded by {@code claims}. */
    private final InMemoryWorkQueues workQueues = new InMemoryWorkQueues();
    /** Runs schedules created: "flow/name" → schedule key + instant → run; guarded by {@code claims}. */
    private final Map<String, Map<String, ScheduleRun>> scheduleRuns = new HashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void insertFlowRun(FlowRunRecord run) {
        synchronized (claims) {
            if (flowRuns.putIfAbsent(run.id(), run) != null) throw new IllegalStateException("flow run exists: " + run.id());
            claims.put(run.id(), 0L);
        }
        appendHistory(run.id(), run.state());
    }

    @Override
    public void insertTaskRun(Claim claim, TaskRunRecord run) {
        synchronized (claims) {
            if (refused(claim, run.flowRunId())) return;
            if (taskRuns.putIfAbsent(run.id(), run) != null) throw new IllegalStateException("task run exists: " + run.id());
        }
        List<TaskRunRecord> list = taskRunsByFlow.computeIfAbsent(run.flowRunId(), k -> new ArrayList<>());
        synchronized (list) {
            list.add(run);
        }
        appendHistory(run.id(), run.state());
    }

    /** True (and the listeners told) when the claim is stale; call holding {@code claims}. */
    private boolean refused(Claim claim, UUID flowRunId) {
        if (!claim.flowRunId().equals(flowRunId)) {
            throw new IllegalArgumentException("claim " + claim + " is not a claim on flow run " + flowRunId);
        }
        Long current = claims.get(flowRunId);
        if (current == null || current == claim.epoch()) return false; // unknown run: nothing to fence against
        for (Consumer<UUID> l : claimLost) l.accept(flowRunId);
        return true;
    }

    private void appendHistory(UUID id, State s) {
        List<StateChange> h = history.computeIfAbsent(id, k -> new ArrayList<>());
        synchronized (h) {
            h.add(new StateChange(id, h.size(), s));
        }
    }

    @Override
    public void setFlowRunState(Claim claim, State state) {
        synchronized (claims) {
            if (!flowRuns.containsKey(claim.flowRunId())) throw new IllegalArgumentException("no flow run " + claim.flowRunId());
            if (refused(claim, claim.flowRunId())) return;
            flowRuns.computeIfPresent(claim.flowRunId(), (k, v) -> v.withState(state));
            appendHistory(claim.flowRunId(), state);
        }
    }

    @Override
    public void setTaskRunState(Claim claim, UUID taskRunId, State state, String resultRef) {
        synchronized (claims) {
            TaskRunRecord t = taskRuns.get(taskRunId);
            if (t == null) throw new IllegalArgumentException("no task run " + taskRunId);
            if (refused(claim, t.flowRunId())) return;
            taskRuns.put(taskRunId, t.withState(state, resultRef));
            appendHistory(taskRunId, state);
        }
    }

    @Override
    public State commitFinalState(Claim claim, State state, State leftoverTasks) {
        synchronized (claims) {
            setFlowRunState(claim, state);
            if (leftoverTasks != null && claims.get(claim.flowRunId()) == claim.epoch()) {
                finishTasks(claim.flowRunId(), leftoverTasks);
            }
            return flowRuns.get(claim.flowRunId()).state();
        }
    }

    private void finishTasks(UUID flowRunId, State s) {
        for (TaskRunRecord t : taskRuns(flowRunId)) {
            if (t.state().isFinal()) continue;
            taskRuns.put(t.id(), t.withState(s, t.resultRef()));
            appendHistory(t.id(), s);
        }
    }

    @Override
    public Optional<Claim> takeOver(Claim expected, String engineId, State flowState, State taskState) {
        synchronized (claims) {
            UUID id = expected.flowRunId();
            FlowRunRecord r = flowRuns.get(id);
            Long current = claims.get(id);
            if (r == null || current == null || current != expected.epoch() || r.state().isFinal()) return Optional.empty();
            Claim next = new Claim(id, current + 1);
            claims.put(id, next.epoch());
            FlowRunRecord changed = engineId == null ? r : new FlowRunRecord(r.id(), r.name(), r.flowName(),
                    r.flowClass(), r.flowMethod(), r.parametersJson(), r.parentFlowRunId(), r.resumeOf(), engineId,
                    r.state(), r.createdAt());
            if (flowState != null) {
                changed = changed.withState(flowState);
                appendHistory(id, flowState);
            }
            flowRuns.put(id, changed);
            if (taskState != null) finishTasks(id, taskState);
            return Optional.of(next);
        }
    }

    @Override
    public List<RunClaim> liveRuns() {
        synchronized (claims) {
            return flowRuns.values().stream().filter(r -> !r.state().isFinal())
                    .sorted(Comparator.comparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id))
                    .map(r -> new RunClaim(new Claim(r.id(), claims.get(r.id())), r.name(), r.state(), r.engineId(),
                            r.engineId() == null ? null : leases.get(r.engineId())))
                    .toList();
        }
    }

    @Override
    public DeploymentRecord applyDeployment(DeploymentRecord d) {
        synchronized (claims) {
            Optional<DeploymentRecord> newest = deployment(d.flowName(), d.name());
            if (newest.isPresent() && newest.get().contentHash().equals(d.contentHash())) return newest.get();
            DeploymentRecord next = d.withVersion(newest.map(n -> n.version() + 1).orElse(1));
            deploymentVersions.add(next);
            workQueues.create(io.flowcore.api.deployment.WorkQueue.of(next.workQueue(), next.createdAt()));
            return next;
        }
    }

    @Override
    public Optional<DeploymentRecord> deployment(String flowName, String name) {
        List<DeploymentRecord> v = deploymentVersions(flowName, name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.getLast());
    }

    @Override
    public Optional<DeploymentRecord> deploymentOfRun(UUID flowRunId) {
        String fullName;
        synchronized (claims) {
            fullName = workQueues.deploymentOf(flowRunId);
        }
        if (fullName == null) return Optional.empty();
        int slash = fullName.indexOf('/');
        return deployment(fullName.substring(0, slash), fullName.substring(slash + 1));
    }

    @Override
    public List<DeploymentRecord> deploymentVersions(String flowName, String name) {
        synchronized (claims) {
            return deploymentVersions.stream().filter(d -> d.flowName().equals(flowName) && d.name().equals(name)).toList();
        }
    }

    @Override
    public List<DeploymentRecord> deployments() {
        synchronized (claims) {
            Map<String, DeploymentRecord> newest = new java.util.TreeMap<>();
            for (DeploymentRecord d : deploymentVersions) newest.put(d.fullName(), d);
            return List.copyOf(newest.values());
        }
    }

    @Override
    public void insertScheduledRun(FlowRunRecord run, String deploymentId, String workQueue) {
        if (run.state().type() != StateType.SCHEDULED || run.state().scheduledTime() == null) {
            throw new IllegalArgumentException("a run waiting for a worker must be Scheduled with a time: " + run.state());
        }
        synchronized (claims) {
            if (run.resumeOf() != null && retryOf(run.resumeOf()).isPresent()) {
                throw new IllegalStateException("flow run " + run.resumeOf() + " has a retry already");
            }
            insertFlowRun(new FlowRunRecord(run.id(), run.name(), run.flowName(), run.flowClass(), run.flowMethod(),
                    run.parametersJson(), run.parentFlowRunId(), run.resumeOf(), null, run.state(), run.createdAt()));
            waiting.put(run.id(), workQueue);
            deploymentVersions.stream().filter(d -> d.id().equals(deploymentId)).findFirst()
                    .ifPresent(d -> workQueues.runOf(run.id(), d.fullName(), workQueue));
        }
    }

    @Override
    public List<FlowRunRecord> insertScheduleRuns(List<ScheduleRun> runs) {
        synchronized (claims) {
            List<FlowRunRecord> inserted = new ArrayList<>();
            for (ScheduleRun r : runs) {
                Map<String, ScheduleRun> slots = scheduleRuns.computeIfAbsent(r.deployment().fullName(), k -> new HashMap<>());
                if (slots.putIfAbsent(r.scheduleKey() + "@" + r.instant(), r) != null) continue;
                insertScheduledRun(r.run(), r.deployment().id(), r.deployment().workQueue());
                inserted.add(r.run());
            }
            return inserted;
        }
    }

    @Override
    public List<FutureScheduleRuns> futureScheduleRuns(java.time.Instant after) {
        synchronized (claims) {
            Map<List<String>, FutureScheduleRuns> groups = new HashMap<>();
            for (Map<String, ScheduleRun> slots : scheduleRuns.values()) {
                for (ScheduleRun r : slots.values()) {
                    if (!r.instant().isAfter(after)) continue;
                    String version = flowRuns.containsKey(r.run().id()) ? r.deployment().id() : null;
                    int waits = waiting.containsKey(r.run().id()) ? 1 : 0;
                    groups.merge(java.util.Arrays.asList(r.deployment().flowName(), r.deployment().name(), r.scheduleKey(), version),
                            new FutureScheduleRuns(r.deployment().flowName(), r.deployment().name(), r.scheduleKey(), version,
                                    1, waits, r.instant()),
                            (x, y) -> new FutureScheduleRuns(x.flowName(), x.deploymentName(), x.scheduleKey(),
                                    x.deploymentId(), x.runs() + y.runs(), x.waiting() + y.waiting(),
                                    x.last().isAfter(y.last()) ? x.last() : y.last()));
                }
            }
            return List.copyOf(groups.values());
        }
    }

    @Override
    public Map<String, java.time.Instant> lastScheduleRuns(String flowName, String name, java.time.Instant before) {
        synchronized (claims) {
            Map<String, java.time.Instant> out = new HashMap<>();
            for (ScheduleRun r : scheduleRuns.getOrDefault(flowName + "/" + name, Map.of()).values()) {
                if (r.instant().isBefore(before)) out.merge(r.scheduleKey(), r.instant(), (a, b) -> a.isAfter(b) ? a : b);
            }
            return out;
        }
    }

    @Override
    public int deleteUnclaimedScheduleRuns(DeploymentRecord current, java.util.Set<String> keep, java.time.Instant after) {
        synchronized (claims) {
            Map<String, ScheduleRun> slots = scheduleRuns.getOrDefault(current.fullName(), new HashMap<>());
            slots.values().removeIf(r -> !flowRuns.containsKey(r.run().id())); // removed with their deployment
            int deleted = 0;
            for (var it = slots.values().iterator(); it.hasNext(); ) {
                ScheduleRun r = it.next();
                UUID id = r.run().id();
                boolean stale = !r.deployment().id().equals(current.id()) || !keep.contains(r.scheduleKey());
                if (!stale || !r.instant().isAfter(after) || !waiting.containsKey(id)) continue;
                waiting.remove(id);
                flowRuns.remove(id);
                history.remove(id);
                claims.remove(id);
                it.remove();
                deleted++;
            }
            return deleted;
        }
    }

    @Override
    public int skipTooLate(io.flowcore.api.deployment.DeploymentRecord d, java.time.Instant now) {
        if (d.maxLateness() == null) return 0;
        return moveWaiting(now.minus(d.maxLateness()), r -> d.fullName().equals(workQueues.deploymentOf(r.id())), true,
                due -> State.named(StateType.CANCELLED, "Skipped", now, "skipped: not started "
                        + java.time.Duration.between(due, now).toSeconds() + " s after its scheduled time " + due
                        + ", past the deployment's maxLateness of " + d.maxLateness().toSeconds() + " s"));
    }

    @Override
    public int markLate(java.time.Instant lateBefore, java.time.Instant now) {
        return moveWaiting(lateBefore, r -> !r.state().name().equals("Late"), false,
                due -> new State(StateType.SCHEDULED, "Late", now, "not started "
                        + java.time.Duration.between(due, now).toSeconds() + " s after its scheduled time " + due, due));
    }

    /** Moves the waiting runs due before {@code dueBefore} that {@code which} picks to the state {@code to} gives. */
    private int moveWaiting(java.time.Instant dueBefore, java.util.function.Predicate<FlowRunRecord> which,
                            boolean newEpoch, java.util.function.Function<java.time.Instant, State> to) {
        synchronized (claims) {
            int moved = 0;
            for (UUID id : List.copyOf(waiting.keySet())) {
                FlowRunRecord r = flowRuns.get(id);
                if (r.state().type() != StateType.SCHEDULED || !r.state().scheduledTime().isBefore(dueBefore)
                        || !which.test(r)) {
                    continue;
                }
                State next = to.apply(r.state().scheduledTime());
                if (newEpoch) {
                    if (takeOver(new Claim(id, claims.get(id)), null, next, null).isEmpty()) continue;
                    if (next.isFinal()) waiting.remove(id);
                } else {
                    flowRuns.put(id, r.withState(next));
                    appendHistory(id, next);
                }
                moved++;
            }
            return moved;
        }
    }

    @Override
    public List<ClaimedRun> claimDue(String engineId, java.util.Collection<String> queues, java.time.Instant now,
                                     int limit) {
        synchronized (claims) {
            InMemoryWorkQueues.Plan plan = workQueues.plan(queues, flowRuns.values());
            Map<String, Integer> room = overlapRoom();
            List<FlowRunRecord> due = waiting.entrySet().stream()
                    .filter(e -> plan.serves(e.getValue()))
                    .map(e -> Map.entry(flowRuns.get(e.getKey()), e.getValue()))
                    .filter(e -> e.getKey().state().type() == StateType.SCHEDULED
                            && !e.getKey().state().scheduledTime().isAfter(now))
                    .sorted(Comparator.comparing((Map.Entry<FlowRunRecord, String> e) -> plan.priority(e.getValue()))
                            .thenComparing(e -> e.getKey().state().scheduledTime())
                            .thenComparing(e -> e.getKey().createdAt()))
                    .filter(e -> room.getOrDefault(workQueues.deploymentOf(e.getKey().id()), 1) > 0
                            && plan.take(e.getValue()))
                    .limit(limit)
                    .peek(e -> room.computeIfPresent(workQueues.deploymentOf(e.getKey().id()), (k, v) -> v - 1))
                    .map(Map.Entry::getKey).toList();
            List<ClaimedRun> out = new ArrayList<>();
            for (FlowRunRecord r : due) {
                State pending = State.of(StateType.PENDING, now);
                Claim claim = takeOver(new Claim(r.id(), claims.get(r.id())), engineId, pending, null).orElseThrow();
                waiting.remove(r.id());
                out.add(new ClaimedRun(flowRuns.get(r.id()), claim));
            }
            return out;
        }
    }

    /* DeploymentStore.applyOverlap: as JdbcOverlap.apply, holding `claims` as a claim does. */
    @Override
    public OverlapActions applyOverlap(java.time.Instant now) {
        synchronized (claims) {
            Map<String, DeploymentRecord> acting = new java.util.TreeMap<>();
            for (DeploymentRecord d : deployments()) {
                if (d.overlap() != null && d.overlap().policy() != io.flowcore.api.deployment.Overlap.Policy.QUEUE) {
                    acting.put(d.fullName(), d);
                }
            }
            if (acting.isEmpty()) return OverlapActions.NONE;
            Map<String, Integer> room = overlapRoom();
            Map<String, List<FlowRunRecord>> due = new HashMap<>();
            Map<String, List<FlowRunRecord>> active = new HashMap<>();
            for (FlowRunRecord r : flowRuns.values()) {
                String name = workQueues.deploymentOf(r.id());
                if (!acting.containsKey(name)) continue;
                StateType t = r.state().type();
                if (waiting.containsKey(r.id()) && t == StateType.SCHEDULED && !r.state().scheduledTime().isAfter(now)) {
                    due.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
                } else if (t == StateType.PENDING || t == StateType.RUNNING || t == StateType.CANCELLING) {
                    active.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
                }
            }
            List<UUID> skipped = new ArrayList<>();
            List<UUID> cancelled = new ArrayList<>();
            for (var e : acting.entrySet()) {
                io.flowcore.api.deployment.Overlap o = e.getValue().overlap();
                List<FlowRunRecord> ready = due.getOrDefault(e.getKey(), List.of()).stream()
                        .sorted(Comparator.comparing((FlowRunRecord r) -> r.state().scheduledTime())
                                .thenComparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id)).toList();
                List<FlowRunRecord> live = active.getOrDefault(e.getKey(), List.of()).stream()
                        .sorted(Comparator.comparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id)).toList();
                int left = Math.max(0, room.getOrDefault(e.getKey(), o.maxActive()));
                if (ready.size() <= left) continue;
                if (o.policy() == io.flowcore.api.deployment.Overlap.Policy.SKIP) {
                    State s = OverlapStates.skipped(now, e.getKey(), live.size(), left, o);
                    for (FlowRunRecord r : ready.subList(left, ready.size())) {
                        if (takeOver(new Claim(r.id(), claims.get(r.id())), null, s, null).isEmpty()) continue;
                        waiting.remove(r.id());
                        skipped.add(r.id());
                    }
                } else {
                    long cancelling = live.stream().filter(r -> r.state().type() == StateType.CANCELLING).count();
                    long needed = Math.min(ready.size(), o.maxActive()) - left - cancelling;
                    State s = OverlapStates.cancelRequested(now, e.getKey(), live.size(), o);
                    for (FlowRunRecord r : live) {
                        if (needed <= 0) break;
                        if (r.state().type() != StateType.RUNNING) continue;
                        if (takeOver(new Claim(r.id(), claims.get(r.id())), null, s, null).isEmpty()) continue;
                        cancelled.add(r.id());
                        needed--;
                    }
                }
            }
            return new OverlapActions(skipped, cancelled);
        }
    }

    /* How many more runs each deployment with an overlap limit (its newest version's) may start now: its
     * limit less its active runs (Pending, Running, Cancelling) of every version. Called holding `claims`. */
    private Map<String, Integer> overlapRoom() {
        Map<String, DeploymentRecord> newest = new HashMap<>();
        for (DeploymentRecord d : deploymentVersions) newest.merge(d.fullName(), d, (a, b) -> a.version() >= b.version() ? a : b);
        Map<String, Integer> room = new HashMap<>();
        newest.forEach((name, d) -> {
            if (d.overlap() != null) room.put(name, d.overlap().maxActive());
        });
        if (room.isEmpty()) return room;
        for (FlowRunRecord r : flowRuns.values()) {
            StateType t = r.state().type();
            if (t != StateType.PENDING && t != StateType.RUNNING && t != StateType.CANCELLING) continue;
            room.computeIfPresent(String.valueOf(workQueues.deploymentOf(r.id())), (k, v) -> v - 1);
        }
        return room;
    }

    @Override
    public boolean createWorkQueue(io.flowcore.api.deployment.WorkQueue q) {
        synchronized (claims) {
            return workQueues.create(q);
        }
    }

    @Override
    public Optional<io.flowcore.api.deployment.WorkQueue> workQueue(String name) {
        synchronized (claims) {
            return workQueues.get(name);
        }
    }

    @Override
    public List<io.flowcore.api.deployment.WorkQueue> workQueues() {
        synchronized (claims) {
            return workQueues.all();
        }
    }

    @Override
    public boolean setWorkQueuePaused(String name, boolean paused) {
        synchronized (claims) {
            return workQueues.change(name, q -> new io.flowcore.api.deployment.WorkQueue(q.name(), paused,
                    q.concurrencyLimit(), q.priority(), q.description(), q.createdAt()));
        }
    }

    @Override
    public boolean setWorkQueueConcurrencyLimit(String name, Integer limit) {
        synchronized (claims) {
            return workQueues.change(name, q -> new io.flowcore.api.deployment.WorkQueue(q.name(), q.paused(), limit,
                    q.priority(), q.description(), q.createdAt()));
        }
    }

    @Override
    public boolean setWorkQueuePriority(String name, int priority) {
        synchronized (claims) {
            return workQueues.change(name, q -> new io.flowcore.api.deployment.WorkQueue(q.name(), q.paused(),
                    q.concurrencyLimit(), priority, q.description(), q.createdAt()));
        }
    }

    @Override
    public void setDeploymentPaused(String flowName, String name, boolean paused) {
        synchronized (claims) {
            workQueues.setDeploymentPaused(flowName + "/" + name, paused);
        }
    }

    @Override
    public java.util.Set<String> pausedDeployments() {
        synchronized (claims) {
            return workQueues.pausedDeployments();
        }
    }

    @Override
    public int removeDeployment(String flowName, String name) {
        synchronized (claims) {
            if (!deploymentVersions.removeIf(d -> d.flowName().equals(flowName) && d.name().equals(name))) return -1;
            workQueues.setDeploymentPaused(flowName + "/" + name, false);
            List<UUID> unclaimed = waiting.keySet().stream()
                    .filter(id -> (flowName + "/" + name).equals(workQueues.deploymentOf(id))).toList();
            for (UUID id : unclaimed) {
                waiting.remove(id);
                flowRuns.remove(id);
                claims.remove(id);
                history.remove(id);
                workQueues.runOf(id, null, null);
            }
            return unclaimed.size();
        }
    }

    @Override
    public List<UUID> crashedWithoutRetry(java.time.Instant from, java.time.Instant to, int limit) {
        synchronized (claims) {
            return flowRuns.values().stream()
                    .filter(r -> r.state().type() == StateType.CRASHED && workQueues.deploymentOf(r.id()) != null
                            && !r.state().timestamp().isBefore(from) && r.state().timestamp().isBefore(to))
                    .filter(r -> retryOf(r.id()).isEmpty())
                    .sorted(java.util.Comparator.comparing(r -> r.state().timestamp())).limit(limit)
                    .map(FlowRunRecord::id).toList();
        }
    }

    @Override
    public Optional<UUID> retryOf(UUID flowRunId) {
        synchronized (claims) {
            return flowRuns.values().stream().filter(r -> flowRunId.equals(r.resumeOf())
                    && workQueues.deploymentOf(r.id()) != null).map(FlowRunRecord::id).findFirst();
        }
    }

    @Override
    public Map<UUID, String> deploymentsOfRuns(java.util.Collection<UUID> flowRunIds) {
        synchronized (claims) {
            Map<UUID, String> out = new HashMap<>();
            for (UUID id : flowRunIds) {
                String d = workQueues.deploymentOf(id);
                if (d != null) out.put(id, d);
            }
            return out;
        }
    }

    @Override
    public void onClaimLost(Consumer<UUID> listener) {
        claimLost.add(listener);
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
    public Optional<FlowRunRecord> flowRun(UUID id) {
        return Optional.ofNullable(flowRuns.get(id));
    }

    @Override
    public io.flowcore.api.run.RunCounts runCounts(java.time.Instant now) {
        Map<String, io.flowcore.api.run.RunCounts.StateCount> states = new java.util.TreeMap<>();
        Map<String, Long> due = new java.util.TreeMap<>();
        Map<String, java.time.Instant> oldest = new HashMap<>();
        for (FlowRunRecord r : List.copyOf(flowRuns.values())) {
            State s = r.state();
            states.merge(s.type() + "/" + s.name(), new io.flowcore.api.run.RunCounts.StateCount(s.type(), s.name(), 1),
                    (a, b) -> new io.flowcore.api.run.RunCounts.StateCount(a.type(), a.name(), a.runs() + 1));
            if (s.type() != StateType.SCHEDULED || r.engineId() != null || s.scheduledTime() == null
                    || s.scheduledTime().isAfter(now)) continue;
            String queue;
            synchronized (claims) {
                queue = workQueues.queueOf(r.id());
            }
            if (queue == null) continue;
            due.merge(queue, 1L, Long::sum);
            oldest.merge(queue, s.scheduledTime(), (a, b) -> a.isBefore(b) ? a : b);
        }
        List<io.flowcore.api.run.RunCounts.QueueBacklog> queues = new ArrayList<>();
        due.forEach((q, n) -> queues.add(new io.flowcore.api.run.RunCounts.QueueBacklog(q, n,
                java.time.Duration.between(oldest.get(q), now))));
        return new io.flowcore.api.run.RunCounts(now, new ArrayList<>(states.values()), queues);
    }

    @Override
    public List<FlowRunRecord> flowRuns(FlowRunQuery q) {
        return flowRuns.values().stream()
                .filter(r -> q.flowName() == null || q.flowName().equals(r.flowName()))
                .filter(r -> q.stateMatches(r.state().type(), r.state().name()))
                .filter(r -> q.createdAfter() == null || !r.createdAt().isBefore(q.createdAfter()))
                .filter(r -> q.createdBefore() == null || r.createdAt().isBefore(q.createdBefore()))
                .filter(r -> q.nameContains() == null || r.name().toLowerCase(java.util.Locale.ROOT)
                        .contains(q.nameContains().toLowerCase(java.util.Locale.ROOT)))
                .filter(r -> q.deployment() == null || q.deployment().equals(deploymentNameOfRun(r.id())))
                .filter(r -> q.tag() == null || hasTag(r.id(), q.tag()))
                .filter(r -> q.after() == null || q.after().precedes(r))
                .sorted(Comparator.comparing(FlowRunRecord::createdAt).reversed()
                        .thenComparing(r -> r.id().toString()))
                .limit(q.limit())
                .toList();
    }

    private String deploymentNameOfRun(UUID runId) {
        synchronized (claims) {
            return workQueues.deploymentOf(runId);
        }
    }

    /** The run's deployment has {@code tag} (in its newest version: this store keeps no run's version). */
    private boolean hasTag(UUID runId, String tag) {
        String fullName = deploymentNameOfRun(runId);
        if (fullName == null) return false;
        int slash = fullName.indexOf('/');
        return deployment(fullName.substring(0, slash), fullName.substring(slash + 1))
                .map(d -> d.tags().contains(tag)).orElse(false);
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
    public List<FlowRunRecord> deleteEndedRuns(java.time.Instant before, java.util.Collection<String> states,
                                               boolean dryRun) {
        return deleteEndedRuns(before, states, dryRun, Integer.MAX_VALUE);
    }

    @Override
    public List<FlowRunRecord> deleteEndedRuns(java.time.Instant before, java.util.Collection<String> states,
                                               boolean dryRun, int limit) {
        synchronized (claims) {
            List<FlowRunRecord> chosen = flowRuns.values().stream()
                    .filter(r -> r.state().isFinal() && r.createdAt().isBefore(before))
                    .filter(r -> states.isEmpty() || states.stream().anyMatch(s -> s.equalsIgnoreCase(r.state().name())
                            || s.equalsIgnoreCase(r.state().type().name())))
                    .sorted(Comparator.comparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id))
                    .limit(limit).toList();
            if (dryRun) return chosen;
            for (FlowRunRecord r : chosen) delete(r);
            return chosen;
        }
    }

    /** Deletes an ended run with its task runs, history and logs; called holding {@code claims}. */
    private void delete(FlowRunRecord r) {
        for (TaskRunRecord t : taskRunsByFlow.getOrDefault(r.id(), List.of())) {
            taskRuns.remove(t.id());
            history.remove(t.id());
        }
        taskRunsByFlow.remove(r.id());
        history.remove(r.id());
        logs.remove(r.id());
        flowRuns.remove(r.id());
        claims.remove(r.id());
    }

    @Override
    public Pruned pruneEndedRuns(java.time.Instant otherwise, Map<String, java.time.Instant> perDeployment, int limit) {
        synchronized (claims) {
            List<FlowRunRecord> chosen = flowRuns.values().stream().filter(r -> {
                if (!r.state().isFinal()) return false;
                java.time.Instant before = perDeployment.getOrDefault(String.valueOf(workQueues.deploymentOf(r.id())), otherwise);
                return before != null && r.createdAt().isBefore(before);
            }).sorted(Comparator.comparing(FlowRunRecord::createdAt).thenComparing(FlowRunRecord::id)).limit(limit).toList();
            return deleteWithResults(chosen);
        }
    }

    @Override
    public Pruned deleteEndedRunsAndResults(java.time.Instant before, java.util.Collection<String> states) {
        synchronized (claims) {
            return deleteWithResults(deleteEndedRuns(before, states, true));
        }
    }

    /** Deletes {@code chosen}; returns the result keys of their task runs that nothing names any more. */
    private Pruned deleteWithResults(List<FlowRunRecord> chosen) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (FlowRunRecord r : chosen) {
            for (TaskRunRecord t : taskRuns(r.id())) {
                String ref = t.resultRef();
                if (ref != null && !ref.equals("null") && !ref.startsWith("json:")) keys.add(ref);
            }
        }
        for (FlowRunRecord r : chosen) delete(r);
        for (TaskRunRecord t : taskRuns.values()) keys.remove(t.resultRef()); // a cache hit or a resume names it
        for (CacheEntry e : cache.values()) keys.remove(e.resultRef());
        return new Pruned(chosen, List.copyOf(keys));
    }

    @Override
    public void close() {
    }
}
