package io.flowcore.engine.internal.store;

import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.state.StateType;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;

/*
 * The work queues of the in-memory store, its paused deployments and which deployment (and queue) each
 * deployment run came from. Not thread-safe: InMemoryStateStore calls it holding its one lock, which also
 * makes a claim's count-and-take atomic.
 */
final class InMemoryWorkQueues {
    private static final Set<StateType> ACTIVE = EnumSet.of(StateType.PENDING, StateType.RUNNING, StateType.CANCELLING);

    private final Map<String, WorkQueue> queues = new TreeMap<>();
    private final Set<String> pausedDeployments = new TreeSet<>();
    private final Map<UUID, String> deploymentOfRun = new HashMap<>();
    private final Map<UUID, String> queueOfRun = new HashMap<>();

    boolean create(WorkQueue q) {
        return queues.putIfAbsent(q.name(), q) == null;
    }

    Optional<WorkQueue> get(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    List<WorkQueue> all() {
        return queues.values().stream().sorted(Comparator.comparingInt(WorkQueue::priority)
                .thenComparing(WorkQueue::name)).toList();
    }

    boolean change(String name, UnaryOperator<WorkQueue> change) {
        WorkQueue q = queues.get(name);
        if (q == null) return false;
        queues.put(name, change.apply(q));
        return true;
    }

    void setDeploymentPaused(String fullName, boolean paused) {
        if (paused) pausedDeployments.add(fullName);
        else pausedDeployments.remove(fullName);
    }

    Set<String> pausedDeployments() {
        return Set.copyOf(pausedDeployments);
    }

    /** Notes a run of deployment {@code fullName} in {@code queue}; null forgets the run. */
    void runOf(UUID runId, String fullName, String queue) {
        if (fullName == null) {
            deploymentOfRun.remove(runId);
            queueOfRun.remove(runId);
        } else {
            deploymentOfRun.put(runId, fullName);
            queueOfRun.put(runId, queue);
        }
    }

    String deploymentOf(UUID runId) {
        return deploymentOfRun.get(runId);
    }

    /** The work queue of a deployment's run; null for a run of no deployment. */
    String queueOf(UUID runId) {
        return queueOfRun.get(runId);
    }

    /** What a claim from {@code served} (every queue when empty) may take now. */
    Plan plan(Collection<String> served, Collection<FlowRunRecord> runs) {
        Map<String, Integer> room = new HashMap<>();
        for (WorkQueue q : queues.values()) {
            if (q.concurrencyLimit() != null) room.put(q.name(), q.concurrencyLimit());
        }
        for (FlowRunRecord r : runs) {
            String q = queueOfRun.get(r.id());
            if (q != null && room.containsKey(q) && ACTIVE.contains(r.state().type())) room.merge(q, -1, Integer::sum);
        }
        return new Plan(Set.copyOf(served), room);
    }

    /** The claim plan: which queues serve, at which priority, with how much room left. */
    final class Plan {
        private final Set<String> served;
        private final Map<String, Integer> room;

        private Plan(Set<String> served, Map<String, Integer> room) {
            this.served = served;
            this.room = room;
        }

        /** True when a run in {@code queue} may be claimed by this claim at all. */
        boolean serves(String queue) {
            WorkQueue q = queues.get(queue);
            return (served.isEmpty() || served.contains(queue)) && (q == null || !q.paused());
        }

        int priority(String queue) {
            WorkQueue q = queues.get(queue);
            return q == null ? 0 : q.priority();
        }

        /** True, and the room taken, when the queue's limit lets one more run start. */
        boolean take(String queue) {
            Integer left = room.get(queue);
            if (left == null) return true;
            if (left <= 0) return false;
            room.put(queue, left - 1);
            return true;
        }
    }
}
