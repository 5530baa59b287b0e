package io.flowcore.examples;

import io.flowcore.api.CacheMode;
import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small flow that shows the engine's features without any outside service: a flaky extract that
 * is retried, a cached transform, months fanned out with {@code Tasks.map}, and one subflow per
 * month. The taxi pipelines replace it as the main job.
 */
public class MonthlyReport {
    private static final AtomicInteger attempts = new AtomicInteger();

    /** Trips of one month: the number of trips and the total fare in cents. */
    public record MonthTotals(int month, long trips, long fareCents) {
    }

    @Task(retries = 2, retryDelaySeconds = 0.2)
    public List<Integer> extract(int year, int month) {
        if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("simulated connection reset (the retry will succeed)");
        }
        Random random = new Random(year * 100L + month);
        List<Integer> fares = new ArrayList<>();
        int trips = 1_000 + random.nextInt(500);
        for (int i = 0; i < trips; i++) fares.add(250 + random.nextInt(5_000));
        RunContext.logger().info("extracted {} trips for {}-{}", trips, year, month);
        return fares;
    }

    @Task(cache = CacheMode.INPUTS, cacheExpirationSeconds = 86_400)
    public MonthTotals transform(int month, List<Integer> fares) {
        long total = fares.stream().mapToLong(Integer::longValue).sum();
        return new MonthTotals(month, fares.size(), total);
    }

    @Flow(name = "month-report", flowRunName = "month-{month}")
    public MonthTotals monthReport(int year, int month) {
        return transform(month, extract(year, month));
    }

    @Task
    public String summarize(List<MonthTotals> months) {
        StringBuilder sb = new StringBuilder("month  trips   fares (USD)\n");
        for (MonthTotals m : months) {
            sb.append(String.format("%5d %6d %13.2f%n", m.month(), m.trips(), m.fareCents() / 100.0));
        }
        return sb.toString();
    }

    @Flow(name = "yearly-report")
    public String yearlyReport(int year, List<Integer> months) {
        List<MonthTotals> totals = new ArrayList<>();
        for (int m : months) totals.add(monthReport(year, m));
        List<TaskFuture<String>> checks = Tasks.map(totals, t -> check(t));
        Tasks.results(checks);
        return summarize(totals);
    }

    @Task
    public String check(MonthTotals t) {
        if (t.trips() <= 0) throw new IllegalStateException("month " + t.month() + " has no trips");
        return "ok";
    }
}
