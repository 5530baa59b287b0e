package io.flowcore.api.spi;

import io.flowcore.api.deployment.WorkQueue;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Work queues and what is done to deployments as a whole (pause, remove), kept beside {@link DeploymentStore}
 * in the same store. {@link DeploymentStore#claimDue} honours the queues: paused queues give out nothing,
 * concurrency limits count active runs held by any engine, and higher-priority queues are served first.
 * Every method has reached the database when it returns.
 */
public interface WorkQueueStore {

    /** Stores {@code q} unless a queue of its name exists; true when it was created. */
    boolean createWorkQueue(WorkQueue q);

    Optional<WorkQueue> workQueue(String name);

    /** Every queue, by priority then name. */
    List<WorkQueue> workQueues();

    /** Pauses or resumes a queue; false when there is no queue of that name. */
    boolean setWorkQueuePaused(String name, boolean paused);

    /** Sets ({@code null}: clears) a queue's concurrency limit; false when there is no queue of that name. */
    boolean setWorkQueueConcurrencyLimit(String name, Integer limit);

    /** Sets a queue's priority; false when there is no queue of that name. */
    boolean setWorkQueuePriority(String name, int priority);

    /** Pauses or resumes the deployment {@code flowName/name}, whichever its version. */
    void setDeploymentPaused(String flowName, String name, boolean paused);

    /** The full names ({@code <flow>/<deployment>}) of the paused deployments. */
    Set<String> pausedDeployments();

    /**
     * Removes every version of a deployment and, in the same transaction, its Scheduled runs that no worker
     * has claimed (with their state history). Other runs stay, still naming the deployment.
     *
     * @return how many runs it removed, or -1 when there is no such deployment
     */
    int removeDeployment(String flowName, String name);

    /** The run of a deployment queued to resume {@code flowRunId} (its retry), if there is one. */
    Optional<UUID> retryOf(UUID flowRunId);

    /**
     * Runs of deployments that ended Crashed between {@code from} and {@code to} (their state's time) and have no
     * retry queued, oldest first, at most {@code limit}: what a worker re-examines in case the engine that
     * marked them crashed stopped before queuing their retry.
     */
    List<UUID> crashedWithoutRetry(java.time.Instant from, java.time.Instant to, int limit);

    /** The deployment ({@code <flow>/<deployment>}) of each of {@code flowRunIds} that was created from one. */
    Map<UUID, String> deploymentsOfRuns(Collection<UUID> flowRunIds);
}
