package io.flowcore.engine.internal.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.state.State;
import io.flowcore.engine.internal.discovery.FlowClass;
import io.flowcore.engine.internal.discovery.FlowDefinition;
import io.flowcore.engine.internal.state.States;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies deployments and creates runs of them, on the engine's store. The façade
 * ({@code io.flowcore.engine.Deployments}) delegates here; nothing in this package is API.
 */
public final class DeploymentService {
    private final Engine engine;
    private final DeploymentStore store;

    public DeploymentService(Engine engine) {
        this.engine = engine;
        if (!(engine.store instanceof DeploymentStore d)) {
            throw new IllegalStateException("the " + engine.store.name() + " store keeps no deployments: use the "
                    + "embedded SQLite store, PostgreSQL, or StateStores.inMemory()");
        }
        this.store = d;
    }

    /** The store the deployments are in. */
    public DeploymentStore store() {
        return store;
    }

    /** The engine's clock. */
    public Instant now() {
        return engine.clock.instant();
    }

    /**
     * Stores {@code d} as a new version unless the newest one has the same content.
     *
     * @throws IllegalArgumentException when the flow class or its {@code @Flow} method cannot be found, or a
     *                                  schedule or the parameters it renders are invalid, naming it; nothing is stored
     */
    public DeploymentRecord apply(Deployment d) {
        FlowDefinition flow = resolve(d);
        String params = json(d.parameters());
        String schema = io.flowcore.engine.internal.params.ParameterSchema.of(flow.method());
        List<String> parts = new java.util.ArrayList<>(List.of(d.flowClass(), d.flowMethod(), params,
                String.join(",", d.tags()), d.workQueue(), d.description(), schema));
        // Only a deployment with schedules hashes them, so the versions applied before schedules existed stay current.
        if (!d.schedules().isEmpty()) parts.add(io.flowcore.engine.internal.schedule.ScheduleJson.toJson(d.schedules()));
        if (d.retries() > 0) parts.add("retries=" + d.retries()); // likewise: only when set
        if (d.maxLateness() != null) parts.add("maxLateness=" + d.maxLateness());
        checkInfrastructure(d);
        if (!d.infrastructure().isInProcess()) parts.add(io.flowcore.engine.internal.infra.InfraJson.toJson(d.infrastructure()));
        if (d.overlap() != null) parts.add("overlap=" + d.overlap()); // likewise: only when set
        if (d.catchup().mode() != io.flowcore.api.deployment.Catchup.Mode.NONE) parts.add("catchup=" + d.catchup());
        if (d.code() != null) parts.add(io.flowcore.engine.internal.infra.InfraJson.toJson(d.code()));
        if (d.retention() != null) parts.add("retention=" + d.retention()); // likewise: only when set
        String hash = hash(parts.toArray(String[]::new));
        DeploymentRecord record = new DeploymentRecord(UUID.randomUUID().toString(), flow.name(), d.name(), 0,
                d.flowClass(), d.flowMethod(), params, d.tags(), d.workQueue(), d.description(), hash,
                engine.clock.instant(), schema, d.schedules(), d.retries(), d.maxLateness(), d.infrastructure(), d.code(),
                d.overlap(), d.catchup(), d.retention());
        io.flowcore.engine.internal.schedule.Scheduler.check(record, engine.clock.instant(),
                json -> io.flowcore.engine.internal.params.ParameterBinder.bind(flow.method(), json));
        return store.applyDeployment(record);
    }

    /** The infrastructure type must exist here with valid settings, and code in storage needs a child JVM. */
    private static void checkInfrastructure(Deployment d) {
        try {
            io.flowcore.engine.internal.infra.Launchers.load(Thread.currentThread().getContextClassLoader()).check(d.infrastructure());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("deployment '" + d.name() + "': " + e.getMessage(), e);
        }
        if (d.code() != null && d.infrastructure().isInProcess()) {
            throw new IllegalArgumentException("deployment '" + d.name() + "': code kept in storage needs the process "
                    + "or docker infrastructure (an in-process worker runs flows from its own classpath)");
        }
    }

    /**
     * A Scheduled run of {@code d} at {@code scheduledAt} with exactly {@code parametersJson}, checked like
     * {@link #run} (not stored).
     *
     * @throws io.flowcore.api.deployment.InvalidParametersException naming each bad parameter
     */
    public FlowRunRecord scheduledRun(DeploymentRecord d, String parametersJson, Instant scheduledAt) {
        checkWhereTheFlowIsKnown(d, parametersJson);
        Instant now = engine.clock.instant();
        return new FlowRunRecord(Ids.next(), RunNames.randomFlowRunName(), d.flowName(), d.flowClass(), d.flowMethod(),
                parametersJson, null, null, null, States.scheduled(now, scheduledAt), now);
    }

    private static FlowDefinition resolve(Deployment d) {
        Class<?> type;
        try {
            type = Class.forName(d.flowClass(), false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("deployment '" + d.name() + "': flow class " + d.flowClass()
                    + " is not on the classpath (check the name, or add its jar)", e);
        }
        try {
            return FlowClass.of(type).flow(d.flowMethod());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("deployment '" + d.name() + "': " + e.getMessage(), e);
        }
    }

    /** The newest version of {@code <flow>/<deployment>}. */
    public Optional<DeploymentRecord> get(String fullName) {
        String[] parts = split(fullName);
        return store.deployment(parts[0], parts[1]);
    }

    public List<DeploymentRecord> list() {
        return store.deployments();
    }

    public List<DeploymentRecord> versions(String fullName) {
        String[] parts = split(fullName);
        return store.deploymentVersions(parts[0], parts[1]);
    }

    /**
     * Creates a Scheduled run of the deployment, due now, with its default parameters overridden by
     * {@code parameters}; a worker serving its queue runs it.
     *
     * @throws IllegalArgumentException when there is no such deployment, naming the ones there are
     */
    public FlowRunRecord run(String fullName, Map<String, ?> parameters) {
        return run(fullName, parameters, null);
    }

    /** A run of the deployment whose parent is the flow run {@code parentId} (null for none). */
    FlowRunRecord run(String fullName, Map<String, ?> parameters, java.util.UUID parentId) {
        DeploymentRecord d = get(fullName).orElseThrow(() -> new IllegalArgumentException("no deployment '" + fullName
                + "'; there are " + store.deployments().stream().map(DeploymentRecord::fullName).toList()
                + " (create one with Deployments.apply or 'flowcore deployment apply')"));
        if (engine.store instanceof io.flowcore.api.spi.WorkQueueStore q) DeploymentActions.refuseIfPaused(q, fullName);
        ObjectNode merged;
        try {
            merged = (ObjectNode) ResultCodec.INSTANCE.mapper().readTree(d.parametersJson());
            merged.setAll((ObjectNode) ResultCodec.INSTANCE.mapper().valueToTree(parameters));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("parameters of a run of '" + fullName + "' cannot be written as JSON: "
                    + e.getMessage(), e);
        }
        var templates = io.flowcore.engine.internal.schedule.ParameterTemplates.unfilled(merged, parameters.keySet());
        if (!templates.isEmpty()) throw new io.flowcore.api.deployment.InvalidParametersException(templates);
        checkWhereTheFlowIsKnown(d, merged.toString());
        Instant now = engine.clock.instant();
        State scheduled = States.scheduled(now, now);
        FlowRunRecord run = new FlowRunRecord(Ids.next(), RunNames.randomFlowRunName(), d.flowName(), d.flowClass(),
                d.flowMethod(), merged.toString(), parentId, null, null, scheduled, now);
        store.insertScheduledRun(run, d.id(), d.workQueue());
        RunLogs.ENGINE.info("Created flow run '{}' of deployment '{}' in work queue '{}'{}", run.name(), fullName,
                d.workQueue(), parentId == null ? "" : " (child of " + parentId + ")");
        return run;
    }

    /**
     * An invalid run is never queued: when this process has the flow's class, the parameters are bound and
     * validated now; without it (the CLI, a server), they are checked against the schema the deployment
     * stored. The worker checks again before the flow starts.
     */
    private static void checkWhereTheFlowIsKnown(DeploymentRecord d, String parametersJson) {
        Class<?> type;
        try {
            type = Class.forName(d.flowClass(), false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError notHere) {
            if (d.parameterSchema() == null) return;
            var violations = io.flowcore.engine.internal.params.ParameterSchema.check(d.parameterSchema(), parametersJson);
            if (!violations.isEmpty()) throw new io.flowcore.api.deployment.InvalidParametersException(violations);
            return;
        }
        FlowDefinition flow = FlowClass.of(type).flow(d.flowMethod());
        io.flowcore.engine.internal.params.ParameterBinder.bind(flow.method(), parametersJson);
    }

    private static String[] split(String fullName) {
        int slash = fullName == null ? -1 : fullName.indexOf('/');
        if (slash <= 0 || slash == fullName.length() - 1) {
            throw new IllegalArgumentException("a deployment is named '<flow-name>/<deployment-name>', e.g. "
                    + "'etl-parent-flow/monthly': '" + fullName + "'");
        }
        return new String[] {fullName.substring(0, slash), fullName.substring(slash + 1)};
    }

    private static String json(Map<String, Object> parameters) {
        try {
            return ResultCodec.INSTANCE.mapper().writeValueAsString(parameters);
        } catch (IOException e) {
            throw new IllegalArgumentException("deployment parameters must be JSON values: " + e.getMessage(), e);
        }
    }

    private static String hash(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
