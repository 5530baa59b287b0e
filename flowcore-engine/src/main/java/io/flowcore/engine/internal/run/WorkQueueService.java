package io.flowcore.engine.internal.run;

import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.api.spi.WorkQueueStore;
import java.util.List;
import java.util.Optional;

/**
 * The work queues of the engine's store, with the checks and messages the façade
 * ({@code io.flowcore.engine.WorkQueues}) promises; nothing here is API.
 */
public final class WorkQueueService {
    private final Engine engine;
    private final WorkQueueStore store;

    public WorkQueueService(Engine engine) {
        this.engine = engine;
        this.store = queueStore(engine);
    }

    static WorkQueueStore queueStore(Engine engine) {
        if (!(engine.store instanceof WorkQueueStore q)) {
            throw new IllegalStateException("the " + engine.store.name() + " store keeps no work queues: use the "
                    + "embedded SQLite store, PostgreSQL, or StateStores.inMemory()");
        }
        return q;
    }

    /**
     * Creates a queue.
     *
     * @throws IllegalArgumentException when one of that name exists, or a value is out of range
     */
    public WorkQueue create(String name, Integer concurrencyLimit, int priority, String description) {
        WorkQueue q = new WorkQueue(name, false, concurrencyLimit, priority, description, engine.clock.instant());
        if (!store.createWorkQueue(q)) throw new IllegalArgumentException("work queue '" + name + "' exists already");
        return q;
    }

    public Optional<WorkQueue> get(String name) {
        return store.workQueue(name);
    }

    public List<WorkQueue> list() {
        return store.workQueues();
    }

    public WorkQueue setPaused(String name, boolean paused) {
        return found(name, store.setWorkQueuePaused(name, paused));
    }

    public WorkQueue setConcurrencyLimit(String name, Integer limit) {
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("work queue '" + name + "': a concurrency limit must be >= 0, or none to "
                    + "clear it: " + limit);
        }
        return found(name, store.setWorkQueueConcurrencyLimit(name, limit));
    }

    public WorkQueue setPriority(String name, int priority) {
        return found(name, store.setWorkQueuePriority(name, priority));
    }

    /** The queue after a change; an unknown name is an error naming the queues there are. */
    public WorkQueue require(String name) {
        return store.workQueue(name).orElseThrow(() -> unknown(name));
    }

    private WorkQueue found(String name, boolean changed) {
        if (!changed) throw unknown(name);
        return require(name);
    }

    private IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("no work queue '" + name + "'; there are "
                + store.workQueues().stream().map(WorkQueue::name).toList()
                + " (create one with 'flowcore work-queue create " + name + "' or WorkQueues.create)");
    }
}
