package io.flowcore.engine.schedule;

import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.DeploymentStore.ScheduleRun;
import io.flowcore.api.spi.WorkQueueStore;
import io.flowcore.engine.run.DeploymentService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Creates the runs of deployments' schedules ahead of time, as Scheduled runs at their instants on the
 * deployment's queue, with templated parameters checked like `deployment run`.
 *
 * Safe when several run at once (every worker runs one): each run's (deployment, schedule, instant) is a
 * unique key in the store, so a second scheduler's insert of the same run is a no-op. A pass first deletes
 * the future unclaimed runs of older versions and of schedules no longer active (the store does this in one
 * transaction with the claim check), then creates what is missing, so a new version's runs replace the old.
 */
public final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger("io.flowcore.engine");

    /**
     * How far ahead a pass creates runs: at least the next {@code runs} instants of each schedule and
     * every instant in the next {@code ahead}.
     */
    public record Settings(int runs, Duration ahead, Duration lateAfter) {
        /** The next 3 runs and at least the next hour; Late 15 s after the scheduled time (Prefect's). */
        public static final Settings DEFAULT = new Settings(3, Duration.ofHours(1), Duration.ofSeconds(15));

        public Settings {
            if (runs < 1) throw new IllegalArgumentException("scheduler runs must be >= 1: " + runs);
            if (ahead.isNegative()) throw new IllegalArgumentException("scheduler ahead must be >= 0: " + ahead);
            if (lateAfter.isNegative()) throw new IllegalArgumentException("lateAfter must be >= 0: " + lateAfter);
        }

        /** Late after the default 15 s. */
        public Settings(int runs, Duration ahead) {
            this(runs, ahead, DEFAULT_LATE_AFTER);
        }

        private static final Duration DEFAULT_LATE_AFTER = Duration.ofSeconds(15);
    }

    /**
     * One run of a schedule, created or (dry run, or there already) not.
     *
     * @param created false when a run for this instant existed already, or on a dry run
     */
    public record PlannedRun(Schedule schedule, Instant instant, String parametersJson, FlowRunRecord run,
                             boolean created) {
    }

    private final DeploymentService deployments;
    private final DeploymentStore store;
    private final Settings settings;

    public Scheduler(DeploymentService deployments, Settings settings) {
        this.deployments = deployments;
        this.store = deployments.store();
        this.settings = settings;
    }

    /** One pass over every deployment; returns how many runs it created. A deployment that fails is logged and skipped. */
    public int pass() {
        Instant now = deployments.now();
        List<DeploymentRecord> all = store.deployments();
        int skipped = 0;
        for (DeploymentRecord d : all) {
            if (d.maxLateness() != null) skipped += store.skipTooLate(d, now);
        }
        if (skipped > 0) LOG.info("scheduler: skipped {} run(s) too late to start (past their deployment's maxLateness)", skipped);
        int late = store.markLate(now.minus(settings.lateAfter()), now);
        if (late > 0) LOG.info("scheduler: {} run(s) not started {} s after their scheduled time are Late", late,
                settings.lateAfter().toSeconds());
        Set<String> paused = paused();
        int created = 0;
        for (DeploymentRecord d : all) {
            try {
                created += schedule(d, now, paused.contains(d.fullName()));
            } catch (RuntimeException e) {
                LOG.warn("scheduler: cannot create the runs of deployment '{}': {}", d.fullName(), e.getMessage());
            }
        }
        return created;
    }

    /** The paused deployments, when the store keeps work queues. */
    private Set<String> paused() {
        return store instanceof WorkQueueStore q ? q.pausedDeployments() : Set.of();
    }

    /** Brings {@code d}'s future runs up to date at {@code now}; returns how many runs it created. */
    public int schedule(DeploymentRecord d, Instant now) {
        return schedule(d, now, paused().contains(d.fullName()));
    }

    /* A paused deployment is treated as one without active schedules: its future unclaimed runs go, and
     * resuming it recreates them. */
    private int schedule(DeploymentRecord d, Instant now, boolean paused) {
        Set<String> keep = new HashSet<>();
        for (Schedule s : d.schedules()) if (s.active() && !paused) keep.add(ScheduleJson.key(s));
        int deleted = store.deleteUnclaimedScheduleRuns(d, keep, now);
        if (deleted > 0) LOG.info("scheduler: deleted {} future runs of '{}' (a new version or a paused schedule)", deleted, d.fullName());
        List<ScheduleRun> runs = new ArrayList<>();
        for (Schedule s : d.schedules()) {
            if (!keep.contains(ScheduleJson.key(s))) continue;
            ScheduleTimes times = ScheduleTimes.of(s);
            TreeSet<Instant> due = new TreeSet<>(times.next(now.minusNanos(1), settings.runs()));
            due.addAll(times.between(now, now.plus(settings.ahead())));
            for (Instant i : due) runs.add(run(d, s, times, i));
        }
        List<FlowRunRecord> inserted = store.insertScheduleRuns(runs);
        for (FlowRunRecord r : inserted) {
            LOG.info("scheduler: created flow run '{}' of '{}' for {}", r.name(), d.fullName(), r.state().scheduledTime());
        }
        return inserted.size();
    }

    /**
     * One run per instant of {@code d}'s active schedules from the start of {@code from} to the end of
     * {@code to} (in each schedule's zone), templated like scheduled runs. Every run is rendered and checked
     * before any is stored; a run that exists for the same instant is not created again.
     *
     * @param dryRun when true, nothing is stored
     * @throws IllegalArgumentException when {@code from} is after {@code to}, or a run's parameters are invalid
     */
    public List<PlannedRun> backfill(DeploymentRecord d, LocalDate from, LocalDate to, boolean dryRun) {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("backfill of '" + d.fullName() + "': --from " + from + " is after --to " + to);
        }
        if (!dryRun && paused().contains(d.fullName())) {
            throw new IllegalStateException("deployment '" + d.fullName() + "' is paused: resume it with 'flowcore "
                    + "deployment resume " + d.fullName() + "' before a backfill");
        }
        List<ScheduleRun> runs = new ArrayList<>();
        for (Schedule s : d.schedules()) {
            if (!s.active()) continue;
            ZoneId zone = ZoneId.of(s.timezone());
            ScheduleTimes times = ScheduleTimes.of(s);
            for (Instant i : times.between(from.atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant())) {
                runs.add(run(d, s, times, i));
            }
        }
        runs.sort(java.util.Comparator.comparing(ScheduleRun::instant));
        Set<FlowRunRecord> inserted = dryRun ? Set.of() : new HashSet<>(store.insertScheduleRuns(runs));
        List<PlannedRun> out = new ArrayList<>();
        for (ScheduleRun r : runs) {
            Schedule s = d.schedules().stream().filter(x -> ScheduleJson.key(x).equals(r.scheduleKey())).findFirst().orElseThrow();
            out.add(new PlannedRun(s, r.instant(), r.run().parametersJson(), r.run(), inserted.contains(r.run())));
        }
        return out;
    }

    private ScheduleRun run(DeploymentRecord d, Schedule s, ScheduleTimes times, Instant instant) {
        String params = render(d, s, times, instant);
        try {
            return new ScheduleRun(deployments.scheduledRun(d, params, instant), d, ScheduleJson.key(s), instant);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("deployment '" + d.fullName() + "', run at " + instant + ": " + e.getMessage(), e);
        }
    }

    /** The parameters of {@code d}'s run at {@code instant} of schedule {@code s}, templates filled in. */
    static String render(DeploymentRecord d, Schedule s, ScheduleTimes times, Instant instant) {
        ZoneId zone = ZoneId.of(s.timezone());
        ZonedDateTime end = instant.atZone(zone);
        ZonedDateTime start = times.previous(instant).map(p -> p.atZone(zone)).orElse(end);
        return ParameterTemplates.render(d.parametersJson(), end, start, end);
    }

    /**
     * Checks {@code d}'s schedules before it is stored: each parses, and the parameters its next run renders
     * pass {@code check}.
     *
     * @throws IllegalArgumentException naming the deployment, the schedule and the problem
     */
    public static void check(DeploymentRecord d, Instant now, Consumer<String> check) {
        for (int k = 0; k < d.schedules().size(); k++) {
            Schedule s = d.schedules().get(k);
            String where = "deployment '" + d.name() + "': schedules[" + k + "]";
            ScheduleTimes times;
            try {
                times = ScheduleTimes.of(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (!s.active()) continue;
            var next = times.next(now);
            if (next.isEmpty()) continue;
            try {
                check.accept(render(d, s, times, next.get()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ", run at " + next.get() + ": " + e.getMessage(), e);
            }
        }
    }
}
