package io.flowcore.api.deployment;

import java.time.Instant;
import java.util.List;

/**
 * One stored version of a deployment. Applying the same content again creates no new version; a change
 * creates the next one and the older ones stay readable.
 *
 * @param id             this version's id
 * @param flowName       the flow's name (from {@code @Flow})
 * @param name           the deployment's name
 * @param version        1, 2, … per (flow, name)
 * @param flowClass      the flow class's binary name
 * @param flowMethod     the {@code @Flow} method's name
 * @param parametersJson default parameters as a JSON object
 * @param tags           tags
 * @param workQueue      the queue its runs wait in
 * @param description    for people
 * @param contentHash    what decides whether an apply is a new version
 * @param createdAt      when this version was applied
 * @param parameterSchema the flow method's parameters as a JSON Schema (types and constraints), so that a
 *                        process without the flow's classes can show and check them; null when unknown
 * @param schedules      when it runs by itself
 * @param retries        how many times a crashed run is queued again as a new run
 * @param maxLateness    how late a run may start before it is skipped, or null for no limit
 * @param infrastructure where a claimed run executes
 * @param code           where the flow's code is kept, or null when it is on the worker's classpath
 * @param overlap        how many of its runs may be active at once, or null for no limit
 * @param catchup        what a scheduler does about instants missed while none ran
 * @param retention      how long its ended runs are kept, or null for the engine's retention
 */
public record DeploymentRecord(String id, String flowName, String name, int version, String flowClass,
                               String flowMethod, String parametersJson, List<String> tags, String workQueue,
                               String description, String contentHash, Instant createdAt, String parameterSchema,
                               List<Schedule> schedules, int retries, java.time.Duration maxLateness,
                               Infrastructure infrastructure, FlowCode code, Overlap overlap, Catchup catchup,
                               java.time.Duration retention) {
    public DeploymentRecord {
        tags = List.copyOf(tags);
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
        infrastructure = infrastructure == null ? Infrastructure.inProcess() : infrastructure;
        catchup = catchup == null ? Catchup.none() : catchup;
    }

    /** A record whose ended runs are kept as long as the engine's retention says. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema, List<Schedule> schedules,
                            int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code,
                            Overlap overlap, Catchup catchup) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, schedules, retries, maxLateness, infrastructure, code, overlap,
                catchup, null);
    }

    /** A record whose missed instants are not run. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema, List<Schedule> schedules,
                            int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code,
                            Overlap overlap) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, schedules, retries, maxLateness, infrastructure, code, overlap,
                null);
    }

    /** A record without a limit on its active runs. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema, List<Schedule> schedules,
                            int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, schedules, retries, maxLateness, infrastructure, code, null);
    }

    /** A record of a deployment run in the worker's JVM. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema, List<Schedule> schedules,
                            int retries, java.time.Duration maxLateness) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, schedules, retries, maxLateness, null, null);
    }

    /** A record without a maximum lateness. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema, List<Schedule> schedules,
                            int retries) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, schedules, retries, null);
    }

    /** A record whose crashed runs are not retried. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema, List<Schedule> schedules) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, schedules, 0);
    }

    /** A record without schedules. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt, String parameterSchema) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, parameterSchema, List.of());
    }

    /** A record without a parameter schema. */
    public DeploymentRecord(String id, String flowName, String name, int version, String flowClass, String flowMethod,
                            String parametersJson, List<String> tags, String workQueue, String description,
                            String contentHash, Instant createdAt) {
        this(id, flowName, name, version, flowClass, flowMethod, parametersJson, tags, workQueue, description,
                contentHash, createdAt, null, List.of());
    }

    /** This record as version {@code v}. */
    public DeploymentRecord withVersion(int v) {
        return new DeploymentRecord(id, flowName, name, v, flowClass, flowMethod, parametersJson, tags, workQueue,
                description, contentHash, createdAt, parameterSchema, schedules, retries, maxLateness, infrastructure,
                code, overlap, catchup, retention);
    }

    /** {@code <flow-name>/<deployment-name>}. */
    public String fullName() {
        return flowName + "/" + name;
    }
}
