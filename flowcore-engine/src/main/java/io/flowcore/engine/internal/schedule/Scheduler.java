package io.flowcore.engine.internal.schedule;

import io.flowcore.api.deployment.PlannedRun;
import io.flowcore.api.deployment.Catchup;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.DeploymentStore.ScheduleRun;
import io.flowcore.api.spi.DeploymentStore.FutureScheduleRuns;
import io.flowcore.api.spi.WorkQueueStore;
import io.flowcore.engine.internal.run.DeploymentService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * Cost. A pass over D deployments reads the future runs of every deployment once, deletes only for the
 * deployments that have something to delete, renders and checks only the runs that are missing, and inserts
 * them in one transaction: a few statements per pass instead of two transactions per deployment (the
 * schedules benchmark measures it). Each schedule's upcoming instants are kept between passes (Upcoming).
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


    private final DeploymentService deployments;
    private final DeploymentStore store;
    private final Settings settings;
    private final Map<String, Upcoming> upcoming = new ConcurrentHashMap<>();
    /** The instants the last pass planned runs for, sorted: when the next scheduled run is due (see waitNanos). */
    private volatile Instant[] planned = new Instant[0];

    public Scheduler(DeploymentService deployments, Settings settings) {
        this.deployments = deployments;
        this.store = deployments.store();
        this.settings = settings;
    }

    /**
     * One pass over every deployment; returns how many runs it created. A deployment that fails is logged and
     * skipped.
     */
    public int pass() {
        long t0 = System.nanoTime();
        Instant now = deployments.now();
        List<DeploymentRecord> all = store.deployments();
        int skipped = 0;
        for (DeploymentRecord d : all) {
            if (d.maxLateness() != null) skipped += store.skipTooLate(d, now);
        }
        if (skipped > 0) LOG.info("scheduler: skipped {} run(s) too late to start (past their deployment's maxLateness)", skipped);
        long t1 = System.nanoTime();
        overlap(now);
        int late = store.markLate(now.minus(settings.lateAfter()), now);
        if (late > 0) LOG.info("scheduler: {} run(s) not started {} s after their scheduled time are Late", late,
                settings.lateAfter().toSeconds());
        long t2 = System.nanoTime();
        Set<String> paused = paused();
        Map<String, List<FutureScheduleRuns>> existing = new HashMap<>();
        // from just before now: a run due at exactly now exists too
        for (FutureScheduleRuns f : store.futureScheduleRuns(now.minusNanos(1))) {
            existing.computeIfAbsent(f.fullName(), x -> new ArrayList<>()).add(f);
        }
        long t3 = System.nanoTime();
        List<ScheduleRun> runs = new ArrayList<>();
        List<Instant> instants = new ArrayList<>();
        for (DeploymentRecord d : all) {
            try {
                runs.addAll(plan(d, now, paused.contains(d.fullName()), existing.getOrDefault(d.fullName(), List.of()),
                        instants));
            } catch (RuntimeException e) {
                LOG.warn("scheduler: cannot create the runs of deployment '{}': {}", d.fullName(), e.getMessage());
            }
        }
        planned = instants.stream().sorted().distinct().toArray(Instant[]::new);
        long t4 = System.nanoTime();
        int created = insert(runs);
        long t5 = System.nanoTime();
        LOG.debug("scheduler: pass over {} deployments created {} run(s) in {} ms (deployments and too-late runs {} ms, "
                + "Late {} ms, existing runs {} ms, planning {} ms, inserting {} ms)", all.size(), created, ms(t0, t5),
                ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5));
        return created;
    }

    /**
     * Applies the overlap policies skip and cancel-previous now (see {@link DeploymentStore#applyOverlap}); a
     * worker runs this every poll interval, between passes, so a run that comes due at its deployment's limit
     * is skipped (or has the previous runs cancelled) before a slot frees up. A failure is logged and the
     * next call tries again.
     */
    public DeploymentStore.OverlapActions overlap() {
        try {
            return overlap(deployments.now());
        } catch (RuntimeException e) {
            LOG.warn("scheduler: applying the overlap policies failed, retrying: {}", e.toString());
            return DeploymentStore.OverlapActions.NONE;
        }
    }

    private DeploymentStore.OverlapActions overlap(Instant now) {
        DeploymentStore.OverlapActions done = store.applyOverlap(now);
        if (!done.skipped().isEmpty()) {
            LOG.info("scheduler: skipped {} run(s) that came due while their deployment was at its overlap limit",
                    done.skipped().size());
        }
        if (!done.cancelled().isEmpty()) {
            LOG.info("scheduler: asked {} run(s) to cancel: newer runs of their deployment came due at its overlap "
                    + "limit (policy cancel-previous)", done.cancelled().size());
        }
        return done;
    }

    /**
     * How long a worker whose scheduler this is waits for work: its poll interval, or less when a run the last
     * pass planned comes due sooner, so the worker claims it at its instant rather than up to a poll later.
     * A scheduler that has not passed yet, or whose planned instants have all passed, leaves the poll.
     *
     * @param scheduler null for a worker that does not schedule
     * @return nanoseconds, at least 1 ms
     */
    public static long waitNanos(Scheduler scheduler, java.time.InstantSource clock, Duration poll) {
        long pollNanos = poll.toNanos();
        if (scheduler == null) return pollNanos;
        Instant[] at = scheduler.planned;
        Instant now = clock.instant();
        int i = java.util.Arrays.binarySearch(at, now);
        int next = i >= 0 ? i + 1 : -i - 1; // the first instant after now
        if (next >= at.length) return pollNanos;
        long until = Duration.between(now, at[next]).toNanos();
        return Math.max(1_000_000, Math.min(pollNanos, until));
    }

    private static long ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /** The paused deployments, when the store keeps work queues. */
    private Set<String> paused() {
        return store instanceof WorkQueueStore q ? q.pausedDeployments() : Set.of();
    }

    /** Brings {@code d}'s future runs up to date at {@code now}; returns how many runs it created. */
    public int schedule(DeploymentRecord d, Instant now) {
        Set<String> keep = keep(d, paused().contains(d.fullName()));
        int deleted = store.deleteUnclaimedScheduleRuns(d, keep, now);
        if (deleted > 0) LOG.info("scheduler: deleted {} future runs of '{}' (a new version or a paused schedule)", deleted, d.fullName());
        List<ScheduleRun> runs = new ArrayList<>(missed(d, keep, now));
        for (Schedule s : d.schedules()) {
            if (keep.contains(ScheduleJson.key(s))) runs.addAll(missing(d, s, upcoming(s).due(now, settings.runs(), settings.ahead()), null));
        }
        return insert(runs);
    }

    /* A paused deployment is treated as one without active schedules: its future unclaimed runs go, and
     * resuming it recreates them. */
    private static Set<String> keep(DeploymentRecord d, boolean paused) {
        Set<String> keep = new HashSet<>();
        for (Schedule s : d.schedules()) if (s.active() && !paused) keep.add(ScheduleJson.key(s));
        return keep;
    }

    /*
     * The runs d is missing at `now`, given its future runs counted per schedule (read once per pass for every
     * deployment). The store's delete, a transaction per call, runs only when there is something to delete:
     * a waiting run of another version or of a schedule no longer kept, or runs that are gone. A schedule
     * whose runs are exactly its instants up to the latest one misses only the instants after it; otherwise
     * every due instant is tried (the insert skips those that exist).
     */
    private List<ScheduleRun> plan(DeploymentRecord d, Instant now, boolean paused, List<FutureScheduleRuns> existing,
                                   List<Instant> instants) {
        Set<String> keep = keep(d, paused);
        boolean stale = false;
        for (FutureScheduleRuns f : existing) {
            stale |= f.deploymentId() == null
                    || f.waiting() > 0 && (!f.deploymentId().equals(d.id()) || !keep.contains(f.scheduleKey()));
        }
        if (stale) {
            int deleted = store.deleteUnclaimedScheduleRuns(d, keep, now);
            if (deleted > 0) LOG.info("scheduler: deleted {} future runs of '{}' (a new version or a paused schedule)", deleted, d.fullName());
        }
        List<ScheduleRun> runs = new ArrayList<>(missed(d, keep, now));
        for (Schedule s : d.schedules()) {
            String key = ScheduleJson.key(s);
            if (!keep.contains(key)) continue;
            List<Instant> due = upcoming(s).due(now, settings.runs(), settings.ahead());
            instants.addAll(due);
            int count = 0;
            Instant last = null;
            for (FutureScheduleRuns f : stale ? List.<FutureScheduleRuns>of() : existing) {
                if (!f.scheduleKey().equals(key)) continue;
                count += f.runs();
                last = last == null || f.last().isAfter(last) ? f.last() : last;
            }
            Instant upTo = last;
            boolean exact = last != null && due.stream().filter(i -> !i.isAfter(upTo)).count() == count;
            runs.addAll(missing(d, s, due, exact ? last : null));
        }
        return runs;
    }

    /*
     * Catch-up: the runs of the instants of d's kept schedules that passed with no run while no scheduler ran
     * (after the schedule's latest run, before now), as d's catchup says: none, the latest, or all up to its cap
     * (the most recent). A schedule that never had a run has missed nothing. Only deployments with a catchup
     * read their latest runs, one statement each.
     */
    private List<ScheduleRun> missed(DeploymentRecord d, Set<String> keep, Instant now) {
        if (d.catchup().mode() == Catchup.Mode.NONE || keep.isEmpty()) return List.of();
        java.util.Map<String, Instant> last = store.lastScheduleRuns(d.flowName(), d.name(), now);
        List<ScheduleRun> runs = new ArrayList<>();
        for (Schedule s : d.schedules()) {
            String key = ScheduleJson.key(s);
            Instant from = last.get(key);
            if (!keep.contains(key) || from == null) continue;
            List<Instant> passed = upcoming(s).times().between(from.plusNanos(1), now);
            int first = Math.max(0, passed.size() - d.catchup().max());
            for (int i = first; i < passed.size(); i++) {
                runs.add(run(d, s, passed.get(i), i > 0 ? passed.get(i - 1) : from));
            }
            if (!passed.isEmpty()) {
                LOG.info("scheduler: '{}' missed {} instant(s) while no scheduler ran; catchup {} creates {}", d.fullName(),
                        passed.size(), d.catchup(), passed.size() - first);
            }
        }
        return runs;
    }

    /* The runs of schedule s at the `due` instants after `existingUpTo` (all when null); each run's interval
     * starts at the instant before it. */
    private List<ScheduleRun> missing(DeploymentRecord d, Schedule s, List<Instant> due, Instant existingUpTo) {
        List<ScheduleRun> runs = new ArrayList<>();
        Instant previous = null;
        for (Instant i : due) {
            if (existingUpTo == null || i.isAfter(existingUpTo)) {
                Instant start = previous != null ? previous : upcoming(s).times().previous(i).orElse(i);
                runs.add(run(d, s, i, start));
            }
            previous = i;
        }
        return runs;
    }

    /** Inserts the runs (one transaction) and logs each created one; returns how many it created. */
    private int insert(List<ScheduleRun> runs) {
        if (runs.isEmpty()) return 0;
        List<FlowRunRecord> inserted = store.insertScheduleRuns(runs);
        if (LOG.isInfoEnabled()) {
            Map<java.util.UUID, String> names = new HashMap<>();
            for (ScheduleRun r : runs) names.put(r.run().id(), r.deployment().fullName());
            for (FlowRunRecord r : inserted) {
                LOG.info("scheduler: created flow run '{}' of '{}' for {}", r.name(), names.get(r.id()), r.state().scheduledTime());
            }
        }
        return inserted.size();
    }

    /* Each schedule is parsed once and its upcoming instants are kept between passes (see Upcoming). */
    private Upcoming upcoming(Schedule s) {
        if (upcoming.size() > 10_000) upcoming.clear();
        return upcoming.computeIfAbsent(ScheduleJson.key(s), k -> new Upcoming(ScheduleTimes.of(s)));
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
            ScheduleTimes times = upcoming(s).times();
            Instant previous = null;
            for (Instant i : times.between(from.atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant())) {
                runs.add(run(d, s, i, previous != null ? previous : times.previous(i).orElse(i)));
                previous = i;
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

    private ScheduleRun run(DeploymentRecord d, Schedule s, Instant instant, Instant previous) {
        String params = render(d, s, instant, previous);
        try {
            return new ScheduleRun(deployments.scheduledRun(d, params, instant), d, ScheduleJson.key(s), instant);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("deployment '" + d.fullName() + "', run at " + instant + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parameters of {@code d}'s run at {@code instant} of schedule {@code s}, templates filled in; its
     * interval starts at {@code previous}, the schedule's instant before it (or {@code instant} when none).
     */
    static String render(DeploymentRecord d, Schedule s, Instant instant, Instant previous) {
        ZoneId zone = ZoneId.of(s.timezone());
        return ParameterTemplates.render(d.parametersJson(), instant.atZone(zone), previous.atZone(zone), instant.atZone(zone));
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
                check.accept(render(d, s, next.get(), times.previous(next.get()).orElse(next.get())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ", run at " + next.get() + ": " + e.getMessage(), e);
            }
        }
    }
}
