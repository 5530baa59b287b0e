package io.flowcore.engine;

import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.engine.run.DeploymentService;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    Deployments(DeploymentService service) {
        this.service = service;
    }

    /**
     * Stores the deployment; applying the same content again creates no new version, a change creates the
     * next version and keeps the older ones readable.
     *
     * @return the version that is current afterwards
     * @throws IllegalArgumentException when its flow class or {@code @Flow} method cannot be found, naming it
     */
    public DeploymentRecord apply(Deployment deployment) {
        return service.apply(deployment);
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
     */
    public FlowRunRecord run(String fullName, Map<String, ?> parameters) {
        return service.run(fullName, parameters);
    }
}
