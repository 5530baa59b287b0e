package io.flowcore.engine;

import io.flowcore.api.deployment.WorkQueue;
import io.flowcore.engine.internal.run.WorkQueueService;
import java.util.List;
import java.util.Optional;

/**
 * The work queues of an engine's store, where runs of deployments wait for workers. Their settings hold
 * in the store for every worker: a paused queue gives out no runs, a concurrency limit caps its runs
 * Pending, Running or Cancelling on all engines together, and a worker serving several queues takes due
 * runs of the lowest priority number first. A queue is created when a deployment names it, or here. Get
 * it with {@link Flowcore#workQueues()}.
 *
 * <pre>{@code
 * fc.workQueues().create("taxi", 2, 1, "the taxi flows");
 * fc.workQueues().pause("taxi");
 * }</pre>
 *
 * <p>Every method that names a queue throws {@link IllegalArgumentException} for an unknown one, naming
 * the queues there are.
 */
public final class WorkQueues {
    private final WorkQueueService service;

    WorkQueues(WorkQueueService service) {
        this.service = service;
    }

    /**
     * Creates a queue, not paused.
     *
     * @param concurrencyLimit at most this many of its runs active at once, or null for no limit
     * @param priority         lower is served first (0 for queues created by deployments)
     * @param description      for people, may be null
     * @throws IllegalArgumentException when a queue of that name exists or a value is out of range
     */
    public WorkQueue create(String name, Integer concurrencyLimit, int priority, String description) {
        return service.create(name, concurrencyLimit, priority, description);
    }

    public Optional<WorkQueue> get(String name) {
        return service.get(name);
    }

    /** Every queue, by priority, then name. */
    public List<WorkQueue> list() {
        return service.list();
    }

    /** Stops workers from claiming runs of the queue (runs already claimed go on); returns it as now stored. */
    public WorkQueue pause(String name) {
        return service.setPaused(name, true);
    }

    public WorkQueue resume(String name) {
        return service.setPaused(name, false);
    }

    /** Sets the concurrency limit, or clears it when {@code limit} is null. */
    public WorkQueue setConcurrencyLimit(String name, Integer limit) {
        return service.setConcurrencyLimit(name, limit);
    }

    public WorkQueue setPriority(String name, int priority) {
        return service.setPriority(name, priority);
    }
}
