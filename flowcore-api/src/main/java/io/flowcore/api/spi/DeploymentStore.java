package io.flowcore.api.spi;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.Set;

/**
 * The deployments, and the runs waiting for a worker, kept in the same store as the runs. Every method
 * has reached the database when it returns. Implemented by the engine's stores beside {@link StateStore}.
 */
public interface DeploymentStore {

    /**
     * Stores {@code d} as the next version of its (flow, name) unless the newest version has the same
     * {@code contentHash}; returns the version that is current afterwards.
     */
    DeploymentRecord applyDeployment(DeploymentRecord d);

    /** The newest version of a deployment. */
    Optional<DeploymentRecord> deployment(String flowName, String name);

    /** Every version of a deployment, oldest first. */
    List<DeploymentRecord> deploymentVersions(String flowName, String name);

    /**
     * The deployment version flow run {@code flowRunId} was created from (what a worker executes it on), or empty
     * when it is not a run of a deployment.
     */
    Optional<DeploymentRecord> deploymentOfRun(UUID flowRunId);

    /** The newest version of every deployment, by full name. */
    List<DeploymentRecord> deployments();

    /**
     * Inserts a Scheduled flow run of deployment version {@code deploymentId} that no engine holds yet; it
     * waits in {@code workQueue} until a worker claims it at or after its scheduled time.
     */
    void insertScheduledRun(FlowRunRecord run, String deploymentId, String workQueue);

    /**
     * Claims, atomically, up to {@code limit} Scheduled runs of {@code queues} (all queues when empty) due at
     * {@code now}, oldest due first: each moves to Pending, held by {@code engineId}, under a new claim
     * epoch. Two callers never claim the same run.
     */
    List<ClaimedRun> claimDue(String engineId, Collection<String> queues, Instant now, int limit);

    /**
     * Marks Late the runs waiting for a worker (Scheduled, unclaimed) whose scheduled time is before
     * {@code lateBefore}: their state becomes type SCHEDULED named {@code Late} at {@code now} (Prefect's
     * model), so they still run when a worker is free, and they show, filter and notify as Late. A run is
     * marked once. Returns how many it marked.
     */
    int markLate(Instant lateBefore, Instant now);

    /**
     * Ends Cancelled, named {@code Skipped}, the runs of deployment {@code d} (any version) that wait for a
     * worker and whose scheduled time is more than {@code d.maxLateness()} before {@code now}: too late to be
     * worth starting. Returns how many it skipped; none when the deployment has no maximum lateness.
     */
    int skipTooLate(DeploymentRecord d, Instant now);

    /**
     * Applies the overlap policies {@code skip} and {@code cancel-previous} at {@code now}, in one transaction
     * that takes the lock the claim takes, so it never races a claim: for each deployment whose newest
     * version has one of them, the runs waiting for a worker that are due at {@code now} beyond the room its
     * {@code maxActive} leaves are, under {@code skip}, ended Cancelled named {@code Skipped} with the reason
     * (the oldest due runs that fit stay); under {@code cancel-previous}, the oldest Running runs get a cancel
     * request (Cancelling under a new claim epoch, carried out by the engine that runs them), as many as the
     * due runs need room, less the runs already Cancelling. A store without overlap limits does nothing.
     *
     * @return the runs it skipped and those it asked to cancel
     */
    default OverlapActions applyOverlap(Instant now) {
        return OverlapActions.NONE;
    }

    /**
     * What {@link #applyOverlap} did.
     *
     * @param skipped   the runs that ended Skipped
     * @param cancelled the runs that were asked to cancel
     */
    record OverlapActions(List<UUID> skipped, List<UUID> cancelled) {
        /** Nothing done. */
        public static final OverlapActions NONE = new OverlapActions(List.of(), List.of());

        public OverlapActions {
            skipped = List.copyOf(skipped);
            cancelled = List.copyOf(cancelled);
        }
    }

    /**
     * Inserts, in one transaction, each run a schedule creates whose (deployment, schedule, instant) has no
     * run yet; the others are left alone, so two schedulers never create the same run twice.
     *
     * @return the runs inserted
     */
    List<FlowRunRecord> insertScheduleRuns(List<ScheduleRun> runs);

    /**
     * Deletes the runs schedules created for {@code current}'s (flow, name), scheduled after {@code after},
     * that no worker has claimed and that belong to another version than {@code current} or to a schedule
     * whose key is not in {@code keep}. The claim check and the delete are one transaction, so a claimed
     * run is never deleted.
     *
     * @return how many runs it deleted
     */
    int deleteUnclaimedScheduleRuns(DeploymentRecord current, Set<String> keep, Instant after);

    /**
     * The runs schedules created that are scheduled after {@code after}, of every deployment, counted per
     * deployment, schedule and version: what a scheduler pass reads once, to create only the runs that are
     * missing and to see which deployments have future runs to replace.
     */
    List<FutureScheduleRuns> futureScheduleRuns(Instant after);

    /**
     * The latest instant before {@code before} at which each schedule of deployment {@code flowName/name}
     * created a run, by schedule key: where the instants a scheduler missed while none ran start.
     */
    java.util.Map<String, Instant> lastScheduleRuns(String flowName, String name, Instant before);

    /**
     * Some runs one schedule of a deployment created, all of one version, as {@link #futureScheduleRuns} counts them.
     *
     * @param scheduleKey  names the schedule, as in {@link ScheduleRun}
     * @param deploymentId the version the runs are of; null for runs that are gone (their deployment was removed)
     * @param runs         how many
     * @param waiting      how many of them wait for a worker (Scheduled, unclaimed)
     * @param last         the latest scheduled instant among them
     */
    record FutureScheduleRuns(String flowName, String deploymentName, String scheduleKey, String deploymentId, int runs,
                              int waiting, Instant last) {
        /** The deployment's full name, {@code <flow>/<deployment>}. */
        public String fullName() {
            return flowName + "/" + deploymentName;
        }
    }

    /**
     * A run a schedule creates.
     *
     * @param run         Scheduled at {@code instant}
     * @param deployment  the version it is a run of
     * @param scheduleKey names the schedule (the same for the same schedule in every version)
     * @param instant     the schedule's instant
     */
    record ScheduleRun(FlowRunRecord run, DeploymentRecord deployment, String scheduleKey, Instant instant) {
    }

    /**
     * Calls {@code listener} soon after any process queued a run for workers (PostgreSQL: LISTEN/NOTIFY), so a
     * worker need not wait for its next poll; closing the result stops it. A store that cannot tell returns a
     * no-op and its workers rely on polling.
     */
    default AutoCloseable onRunsQueued(Runnable listener) {
        return () -> { };
    }

    /** A run a worker claimed, with the claim it writes under. */
    record ClaimedRun(FlowRunRecord run, Claim claim) {
    }
}
