package io.flowcore.api.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A named registration of one {@code @Flow} method, so that runs of it can be created without a program
 * calling it (from the CLI, another flow, later a schedule) and executed by workers. Its full name is
 * {@code <flow-name>/<deployment-name>}, as in Prefect. Values with {@code with…} methods return copies.
 *
 * <pre>{@code
 * Deployment d = Deployment.of(EtlParentFlow.class, "parentFlow", "monthly")
 *         .withParameters(Map.of("color", "yellow", "year", 2021, "months", List.of(1)))
 *         .withWorkQueue("taxi")
 *         .withSchedules(Schedule.cron("0 5 1 * *").withTimezone("America/New_York"));
 * }</pre>
 *
 * @param flowClass   the flow class's binary name
 * @param flowMethod  the name of its {@code @Flow} method (one method of that name)
 * @param name        the deployment's name, unique per flow
 * @param parameters  default parameters, by parameter name (JSON-compatible values)
 * @param tags        free-form tags
 * @param workQueue   the queue its runs wait in for a worker ({@code default} unless set)
 * @param description for people
 * @param schedules   when it runs by itself (none unless set); part of its content like the rest
 * @param retries     how many times a run that ends Crashed (its worker died) is queued again as a new run that
 *                    resumes it (0 unless set); never the same run twice
 * @param maxLateness a run no worker started this long after its scheduled time is not started any more but
 *                    ends Cancelled named Skipped, with the reason (null: no limit)
 * @param infrastructure where a claimed run executes ({@link Infrastructure#inProcess()} unless set)
 * @param code        where the flow's code is kept, when the worker does not have it (null: on the classpath)
 * @param overlap     how many of its runs may be active at once (null: no limit)
 * @param catchup     what a scheduler does about instants missed while none ran ({@link Catchup#none()} unless set)
 * @param retention   how long its ended runs are kept before a worker's pruner deletes them, instead of the
 *                    engine's retention (null: the engine's, {@code FlowcoreConfig.retention}); more than zero
 */
public record Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                         List<String> tags, String workQueue, String description, List<Schedule> schedules,
                         int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code,
                         Overlap overlap, Catchup catchup, java.time.Duration retention) {
    public Deployment {
        Objects.requireNonNull(flowClass, "flowClass");
        Objects.requireNonNull(flowMethod, "flowMethod");
        requireName("name", name);
        requireName("workQueue", workQueue);
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        tags = tags == null ? List.of() : List.copyOf(tags);
        description = description == null ? "" : description;
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
        if (retries < 0) throw new IllegalArgumentException("deployment retries must be >= 0: " + retries);
        if (maxLateness != null && !maxLateness.isPositive()) {
            throw new IllegalArgumentException("deployment maxLateness must be > 0: " + maxLateness);
        }
        infrastructure = infrastructure == null ? Infrastructure.inProcess() : infrastructure;
        catchup = catchup == null ? Catchup.none() : catchup;
        if (retention != null && !retention.isPositive()) {
            throw new IllegalArgumentException("deployment retention must be > 0: " + retention);
        }
    }

    /** A deployment whose ended runs are kept as long as the engine's retention says. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description, List<Schedule> schedules,
                      int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code,
                      Overlap overlap, Catchup catchup) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries, maxLateness,
                infrastructure, code, overlap, catchup, null);
    }

    /** A deployment whose missed instants are not run. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description, List<Schedule> schedules,
                      int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code,
                      Overlap overlap) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries, maxLateness,
                infrastructure, code, overlap, null);
    }

    /** A deployment without a limit on its active runs. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description, List<Schedule> schedules,
                      int retries, java.time.Duration maxLateness, Infrastructure infrastructure, FlowCode code) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries, maxLateness,
                infrastructure, code, null);
    }

    /** A deployment that runs in the worker's JVM from its classpath. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description, List<Schedule> schedules,
                      int retries, java.time.Duration maxLateness) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries, maxLateness,
                null, null);
    }

    /** A deployment without a maximum lateness. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description, List<Schedule> schedules, int retries) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries, null);
    }

    /** A deployment whose crashed runs are not retried. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description, List<Schedule> schedules) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, 0, null);
    }

    /** A deployment without schedules. */
    public Deployment(String flowClass, String flowMethod, String name, Map<String, Object> parameters,
                      List<String> tags, String workQueue, String description) {
        this(flowClass, flowMethod, name, parameters, tags, workQueue, description, List.of());
    }

    private static void requireName(String field, String value) {
        if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("deployment " + field + " must be 1-100 letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit: '" + value + "'");
        }
    }

    /** A deployment of {@code flowClass}'s {@code @Flow} method {@code flowMethod}, on the {@code default} queue. */
    public static Deployment of(Class<?> flowClass, String flowMethod, String name) {
        return new Deployment(flowClass.getName(), flowMethod, name, Map.of(), List.of(), "default", "", List.of());
    }

    public Deployment withParameters(Map<String, ?> p) {
        return new Deployment(flowClass, flowMethod, name, new LinkedHashMap<>(p), tags, workQueue, description, schedules, retries, maxLateness, infrastructure, code, overlap, catchup, retention);
    }

    public Deployment withTags(String... t) {
        return new Deployment(flowClass, flowMethod, name, parameters, List.of(t), workQueue, description, schedules, retries, maxLateness, infrastructure, code, overlap, catchup, retention);
    }

    public Deployment withWorkQueue(String queue) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, queue, description, schedules, retries, maxLateness, infrastructure, code, overlap, catchup, retention);
    }

    public Deployment withDescription(String d) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, d, schedules, retries, maxLateness, infrastructure, code, overlap, catchup, retention);
    }

    /** This deployment with exactly these schedules (none: it runs only when asked). */
    public Deployment withSchedules(Schedule... s) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, List.of(s), retries, maxLateness, infrastructure, code, overlap, catchup, retention);
    }

    /** This deployment with runs skipped when no worker started them within {@code d} of their time. */
    public Deployment withMaxLateness(java.time.Duration d) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries, d, infrastructure, code, overlap, catchup, retention);
    }

    /** This deployment with crashed runs queued again, up to {@code n} times per original run. */
    public Deployment withRetries(int n) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, n, maxLateness, infrastructure, code, overlap, catchup, retention);
    }

    /** This deployment with its runs executed on {@code i} (a child JVM, a container) instead of in the worker. */
    public Deployment withInfrastructure(Infrastructure i) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries,
                maxLateness, i, code, overlap, catchup, retention);
    }

    /** This deployment with its code downloaded from {@code c} by the infrastructure that runs it. */
    public Deployment withCode(FlowCode c) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries,
                maxLateness, infrastructure, c, overlap, catchup, retention);
    }

    /** This deployment with at most {@code o.maxActive()} runs active at once, over every worker (null: no limit). */
    public Deployment withOverlap(Overlap o) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries,
                maxLateness, infrastructure, code, o, catchup, retention);
    }

    /** This deployment with instants missed while no scheduler ran created as {@code c} says. */
    public Deployment withCatchup(Catchup c) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries,
                maxLateness, infrastructure, code, overlap, c, retention);
    }

    /**
     * This deployment with its ended runs deleted {@code d} after they were created, by the pruner in workers,
     * whether that is shorter or longer than the engine's retention (null: the engine's applies).
     */
    public Deployment withRetention(java.time.Duration d) {
        return new Deployment(flowClass, flowMethod, name, parameters, tags, workQueue, description, schedules, retries,
                maxLateness, infrastructure, code, overlap, catchup, d);
    }
}
