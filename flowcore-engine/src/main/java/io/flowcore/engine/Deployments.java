package io.flowcore.engine;

import io.flowcore.api.deployment.PlannedRun;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.engine.internal.run.DeploymentActions;
import io.flowcore.engine.internal.run.DeploymentService;
import io.flowcore.engine.internal.schedule.Scheduler;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The deployments of an engine's store: apply them, look them up, create runs of them for workers to
 * execute. Get it with {@link Flowcore#deployments()}.
 *
 * <pre>{@code
 * fc.deployments().apply(Deployment.of(MonthlyReport.class, "yearlyReport", "nightly")
 *         .withParameters(Map.of("year", 2021, "months", List.of(1, 2, 3))));
 * FlowRunRecord run = fc.deployments().run("yearly-report/nightly", Map.of());
 * }</pre>
 */
public final class Deployments {
    private final DeploymentService service;
    private final Scheduler scheduler;
    private final DeploymentActions actions;

    Deployments(DeploymentService service, DeploymentActions actions) {
        this.service = service;
        this.scheduler = new Scheduler(service, Scheduler.Settings.DEFAULT);
        this.actions = actions;
    }

    /**
     * Stores the deployment; applying the same content again creates no new version, a change creates the
     * next version and keeps the older ones readable. Its schedules' upcoming runs are created (and a
     * previous version's future runs that no worker claimed are replaced) at once.
     *
     * @return the version that is current afterwards
     * @throws IllegalArgumentException when its flow class or {@code @Flow} method cannot be found, a schedule
     *                                  is invalid or renders invalid parameters, naming it; nothing is stored then
     */
    public DeploymentRecord apply(Deployment deployment) {
        DeploymentRecord r = service.apply(deployment);
        scheduler.schedule(r, service.now());
        return r;
    }

    /**
     * Runs one scheduler pass now, as every worker does regularly: creates the upcoming runs of every
     * deployment's active schedules (the next 3 and everything in the next hour) that do not exist yet.
     *
     * @return how many runs it created
     */
    public int schedule() {
        return scheduler.pass();
    }

    /**
     * Creates one run per instant of the deployment's active schedules from the start of {@code from} to the
     * end of {@code to}, each in its schedule's time zone, with templated parameters. Running the same
     * backfill again creates nothing new.
     *
     * @param dryRun true: create nothing, only return what would be created
     * @return every instant in the range, with its parameters and whether its run was created now
     * @throws IllegalArgumentException when there is no such deployment, {@code from} is after {@code to}, or a
     *                                  run's parameters are invalid; nothing is created then
     */
    public List<PlannedRun> backfill(String fullName, LocalDate from, LocalDate to, boolean dryRun) {
        DeploymentRecord d = get(fullName).orElseThrow(() -> new IllegalArgumentException("no deployment '" + fullName + "'"));
        return scheduler.backfill(d, from, to, dryRun);
    }

    /**
     * Parameters written {@code name=value}, as {@code flowcore deployment run --param} takes them, for {@link #run}:
     * a value is JSON when it parses ({@code months=[1,2]}, {@code year=2021}, {@code dryRun=true}, {@code batch="2021"}),
     * else the text as given ({@code color=yellow}, {@code day=2021-01-01}).
     *
     * @return the values by name, in the order given
     * @throws IllegalArgumentException when one has no name or a name is given twice
     */
    public static Map<String, Object> parameters(List<String> nameEqualsValue) {
        return io.flowcore.engine.internal.params.Params.parseCli(nameEqualsValue);
    }

    /** The newest version of {@code <flow-name>/<deployment-name>}, if there is one. */
    public Optional<DeploymentRecord> get(String fullName) {
        return service.get(fullName);
    }

    /** Every version of {@code <flow-name>/<deployment-name>}, oldest first. */
    public List<DeploymentRecord> versions(String fullName) {
        return service.versions(fullName);
    }

    /** The newest version of every deployment. */
    public List<DeploymentRecord> list() {
        return service.list();
    }

    /**
     * Creates a run of the deployment, Scheduled and due now, with its default parameters overridden by
     * {@code parameters}; a worker serving the deployment's work queue executes it.
     *
     * @return the run as created
     * @throws IllegalArgumentException when there is no such deployment (the message lists those there are)
     * @throws IllegalStateException    when the deployment is paused
     */
    public FlowRunRecord run(String fullName, Map<String, ?> parameters) {
        return service.run(fullName, parameters);
    }

    /**
     * Pauses the deployment, whichever its version: its schedules create no runs and {@link #run} refuses
     * it until {@link #resume}; the future runs its schedules created that no worker claimed are removed (and
     * recreated on resume); other runs already created still run.
     *
     * @throws IllegalArgumentException when there is no such deployment
     */
    public void pause(String fullName) {
        actions.pause(fullName);
        get(fullName).ifPresent(d -> scheduler.schedule(d, service.now())); // its schedules' future runs go now
    }

    /** Ends a {@link #pause}. */
    public void resume(String fullName) {
        actions.resume(fullName);
        get(fullName).ifPresent(d -> scheduler.schedule(d, service.now())); // and come back
    }

    /** True while the deployment is paused. */
    public boolean isPaused(String fullName) {
        return actions.isPaused(fullName);
    }

    /** The full names of the paused deployments. */
    public java.util.Set<String> paused() {
        return actions.paused();
    }

    /**
     * Removes every version of the deployment and, in the same transaction, its Scheduled runs that no worker
     * claimed; runs that started keep their history and still name the deployment.
     *
     * @return how many waiting runs it removed
     * @throws IllegalArgumentException when there is no such deployment
     */
    public int remove(String fullName) {
        return actions.remove(fullName);
    }

    /**
     * Queues a new run of the deployment that resumes the Failed or Crashed run {@code flowRunId} (like
     * {@link Flowcore#resume}, but executed by a worker serving the deployment's queue): tasks that completed
     * are not run again.
     *
     * @return the new, Scheduled run
     * @throws IllegalArgumentException when the run does not exist or was not created from a deployment
     * @throws IllegalStateException    when the run is not Failed or Crashed, was retried already (retry the
     *                                  retry), or its deployment is paused or removed
     */
    public FlowRunRecord retry(UUID flowRunId) {
        return actions.retry(flowRunId);
    }

    /** The deployment ({@code <flow>/<deployment>}) of each of these runs that was created from one. */
    public Map<UUID, String> ofRuns(java.util.Collection<UUID> flowRunIds) {
        return actions.deploymentsOf(flowRunIds);
    }
}
