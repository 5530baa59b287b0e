package io.flowcore.engine.internal.run;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.WorkQueueStore;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.state.States;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What is done to a deployment as a whole (pause, resume, remove) and the retry of one of its runs, on the
 * engine's store. The façade ({@code io.flowcore.engine.Deployments}) delegates here; nothing here is API.
 */
public final class DeploymentActions {
    private final Engine engine;
    private final DeploymentService deployments;
    private final DeploymentStore store;
    private final WorkQueueStore queues;

    public DeploymentActions(Engine engine, DeploymentService deployments) {
        this.engine = engine;
        this.deployments = deployments;
        this.store = deployments.store();
        this.queues = WorkQueueService.queueStore(engine);
    }

    /** Pauses the deployment: its schedules create no runs and {@code run} refuses it until resumed. */
    public void pause(String fullName) {
        DeploymentRecord d = existing(fullName);
        queues.setDeploymentPaused(d.flowName(), d.name(), true);
        RunLogs.ENGINE.info("Paused deployment '{}'", fullName);
    }

    public void resume(String fullName) {
        DeploymentRecord d = existing(fullName);
        queues.setDeploymentPaused(d.flowName(), d.name(), false);
        RunLogs.ENGINE.info("Resumed deployment '{}'", fullName);
    }

    public boolean isPaused(String fullName) {
        return queues.pausedDeployments().contains(existing(fullName).fullName());
    }

    public java.util.Set<String> paused() {
        return queues.pausedDeployments();
    }

    /** Throws when the deployment is paused, naming how to resume it. */
    static void refuseIfPaused(WorkQueueStore queues, String fullName) {
        if (queues.pausedDeployments().contains(fullName)) {
            throw new IllegalStateException("deployment '" + fullName + "' is paused: resume it with 'flowcore "
                    + "deployment resume " + fullName + "' (or Deployments.resume) to create runs of it");
        }
    }

    /**
     * Removes every version of the deployment and its Scheduled runs no worker claimed, in one transaction;
     * runs that started keep their history and still name the deployment.
     *
     * @return how many waiting runs it removed
     */
    public int remove(String fullName) {
        DeploymentRecord d = existing(fullName);
        int removed = queues.removeDeployment(d.flowName(), d.name());
        if (removed < 0) throw noDeployment(fullName);
        RunLogs.ENGINE.info("Removed deployment '{}' and {} waiting run(s)", fullName, removed);
        return removed;
    }

    /** The deployment each run was created from, when it was; see {@link WorkQueueStore#deploymentsOfRuns}. */
    public java.util.Map<UUID, String> deploymentsOf(java.util.Collection<UUID> flowRunIds) {
        return queues.deploymentsOfRuns(flowRunIds);
    }

    /**
     * Queues a new Scheduled run, due now, on the deployment's current work queue, that resumes the Failed or
     * Crashed run {@code flowRunId}: its completed tasks' results are reused and only the rest runs.
     *
     * @throws IllegalArgumentException when there is no such run, or it was not created from a deployment
     * @throws IllegalStateException    when it is not Failed or Crashed, was retried already, or its deployment is
     *                                  paused or gone
     */
    public FlowRunRecord retry(UUID flowRunId) {
        FlowRunRecord r = engine.store.flowRun(flowRunId)
                .orElseThrow(() -> new IllegalArgumentException("no flow run " + flowRunId));
        String fullName = queues.deploymentsOfRuns(List.of(flowRunId)).get(flowRunId);
        if (fullName == null) {
            throw new IllegalArgumentException("flow run '" + r.name() + "' (" + flowRunId + ") was not created from a "
                    + "deployment, so no worker can run it again: resume it from Java with Flowcore.resume(id)");
        }
        StateType t = r.state().type();
        if (t != StateType.FAILED && t != StateType.CRASHED) {
            throw new IllegalStateException("flow run '" + r.name() + "' is " + r.state()
                    + ": only a Failed or Crashed run can be retried");
        }
        DeploymentRecord d = deployments.get(fullName).orElseThrow(() -> new IllegalStateException("flow run '"
                + r.name() + "' belongs to deployment '" + fullName + "', which was removed: apply it again to retry"));
        refuseIfPaused(queues, fullName);
        queues.retryOf(flowRunId).ifPresent(earlier -> {
            throw new IllegalStateException("flow run '" + r.name() + "' was retried already, as flow run " + earlier
                    + ": retry that one if it failed too");
        });
        Instant now = engine.clock.instant();
        State scheduled = States.scheduled(now, now);
        FlowRunRecord retry = new FlowRunRecord(Ids.next(), RunNames.randomFlowRunName(), r.flowName(), r.flowClass(),
                r.flowMethod(), r.parametersJson(), null, r.id(), null, scheduled, now);
        store.insertScheduledRun(retry, d.id(), d.workQueue());
        RunLogs.ENGINE.info("Created flow run '{}' retrying '{}' of deployment '{}' in work queue '{}'", retry.name(),
                r.name(), fullName, d.workQueue());
        return retry;
    }

    /**
     * After this engine marked {@code crashedId} Crashed: queues it again as a new run (resuming it) when its
     * deployment allows more retries ({@code Deployment#retries}, counted along the chain of runs resuming
     * one another). Only the engine whose crash verdict won calls this, and the store refuses a second retry
     * of one run, so a crashed run is queued again at most once.
     */
    void retryAfterCrash(UUID crashedId) {
        retryAfterCrash(crashedId, false);
    }

    /**
     * Queues the retries that an engine which marked runs Crashed did not queue — it stopped in between, or it
     * was a worker's engine closing with runs still running — for runs that crashed between {@code from} and
     * {@code to}. Idempotent: the store keeps one retry per run.
     *
     * @return how many retries it queued
     */
    int retryCrashedWithoutRetry(Instant from, Instant to) {
        int queued = 0;
        for (UUID id : queues.crashedWithoutRetry(from, to, 100)) {
            if (retryAfterCrash(id, true)) queued++;
        }
        return queued;
    }

    /** @param swept true when a worker's sweep found it: then a run that is not retried is not worth a log line */
    private boolean retryAfterCrash(UUID crashedId, boolean swept) {
        String fullName = queues.deploymentsOfRuns(List.of(crashedId)).get(crashedId);
        if (fullName == null) return false;
        DeploymentRecord d = deployments.get(fullName).orElse(null);
        if (d == null || d.retries() == 0) return false;
        int attempts = 1;
        FlowRunRecord r = engine.store.flowRun(crashedId).orElse(null);
        while (r != null && r.resumeOf() != null && attempts <= d.retries()) {
            attempts++;
            r = engine.store.flowRun(r.resumeOf()).orElse(null);
        }
        if (attempts > d.retries()) {
            if (!swept) {
                RunLogs.ENGINE.warn("Crashed flow run {} of deployment '{}' is not queued again: its {} retries are used up",
                        crashedId, fullName, d.retries());
            }
            return false;
        }
        try {
            FlowRunRecord again = retry(crashedId);
            RunLogs.ENGINE.info("Crashed flow run {} of deployment '{}' is queued again as '{}' (retry {} of {}{})", crashedId,
                    fullName, again.name(), attempts, d.retries(), swept ? ", found by a worker's sweep" : "");
            return true;
        } catch (IllegalStateException | IllegalArgumentException e) {
            if (swept) RunLogs.ENGINE.debug("Crashed flow run {} is not queued again: {}", crashedId, e.getMessage());
            else RunLogs.ENGINE.info("Crashed flow run {} is not queued again: {}", crashedId, e.getMessage());
            return false;
        }
    }

    private DeploymentRecord existing(String fullName) {
        return deployments.get(fullName).orElseThrow(() -> noDeployment(fullName));
    }

    private IllegalArgumentException noDeployment(String fullName) {
        return new IllegalArgumentException("no deployment '" + fullName + "'; there are "
                + store.deployments().stream().map(DeploymentRecord::fullName).toList());
    }
}
