package io.flowcore.engine.internal.run;

import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.engine.internal.discovery.FlowDefinition;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flow run in memory while it executes: counters for task run names, the lineage of results, the
 * submitted task runs still running, the threads to interrupt on cancellation, and, when it resumes a
 * failed run, that run's completed task runs.
 */
final class FlowScope {
    final Engine engine;
    final UUID id;
    final String name;
    final FlowDefinition flow;
    final FlowScope parent;
    final Map<String, Object> parameters;
    /** The failed flow run this run resumes, or null. */
    final UUID resumeOf;
    private volatile Map<String, TaskRunRecord> resumable;
    final Lineage lineage = new Lineage();
    final Set<TaskRunFuture<?>> running = ConcurrentHashMap.newKeySet();
    final Set<TaskRunFuture<?>> failedUnobserved = ConcurrentHashMap.newKeySet();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final Set<FlowScope> children = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    final AtomicInteger submittedCount = new AtomicInteger();
    volatile boolean cancelRequested;
    volatile State state;
    /** The claim this engine writes the run under; replaced when it re-claims the run after a remote cancel. */
    volatile io.flowcore.api.spi.Claim claim;
    /** Set when another process took the run over (marked it Crashed): this engine stops and writes nothing final. */
    volatile boolean takenOver;

    FlowScope(Engine engine, UUID id, String name, FlowDefinition flow, FlowScope parent,
              Map<String, Object> parameters, UUID resumeOf, State state) {
        this.engine = engine;
        this.id = id;
        this.name = name;
        this.flow = flow;
        this.parent = parent;
        this.parameters = parameters;
        this.resumeOf = resumeOf;
        this.state = state;
        this.claim = io.flowcore.api.spi.Claim.initial(id);
    }

    int nextIndex(String taskKey) {
        return counters.computeIfAbsent(taskKey, k -> new AtomicInteger()).getAndIncrement();
    }

    /** (task key, index) → completed task run with a persisted result of the run being resumed. */
    Map<String, TaskRunRecord> resumable() {
        if (resumeOf == null) return Map.of();
        Map<String, TaskRunRecord> r = resumable;
        if (r == null) {
            Map<String, TaskRunRecord> m = new java.util.HashMap<>();
            for (TaskRunRecord t : engine.store.taskRuns(resumeOf)) {
                if (t.state().type() == io.flowcore.api.state.StateType.COMPLETED && t.resultRef() != null) {
                    m.put(resumeKey(t.taskKey(), t.dynamicKey()), t);
                }
            }
            resumable = r = Map.copyOf(m);
        }
        return r;
    }

    static String resumeKey(String taskKey, int index) {
        return taskKey + "@" + index;
    }

    String label() {
        return "Flow run '" + name + "'";
    }

    /** Asks the run to stop: interrupts its threads, those of its task runs and of its subflows. */
    void requestCancel() {
        requestCancel(null);
    }

    /** @param why the state message of the Cancelled run when it is not a user's cancel (null: "flow run cancelled") */
    void requestCancel(String why) {
        if (why != null && cancelReason == null) cancelReason = why;
        cancelRequested = true;
        for (FlowScope c : children) c.requestCancel(why);
        for (Thread t : threads) t.interrupt();
    }

    /** Why the run was cancelled, when the engine (not a user) cancelled it. */
    volatile String cancelReason;
}
