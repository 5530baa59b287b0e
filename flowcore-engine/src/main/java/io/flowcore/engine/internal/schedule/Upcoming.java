package io.flowcore.engine.internal.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/*
 * The upcoming instants of one schedule, kept between scheduler passes and extended as time moves on: a
 * pass every 10 s over a minutely cron then evaluates the expression about once per new instant instead of
 * sixty times (cron-utils takes tens of microseconds an evaluation, which over 1,000 deployments was most of
 * a pass). `known` holds every instant in [from, to).
 */
final class Upcoming {
    private final ScheduleTimes times;
    private final TreeSet<Instant> known = new TreeSet<>();
    private Instant from;
    private Instant to;

    Upcoming(ScheduleTimes times) {
        this.times = times;
    }

    ScheduleTimes times() {
        return times;
    }

    /** The first {@code runs} instants at or after {@code now}, and every other one before {@code now + ahead}. */
    synchronized List<Instant> due(Instant now, int runs, Duration ahead) {
        if (from == null || now.isBefore(from) || now.isAfter(to)) {
            known.clear();
            from = now;
            to = now;
        }
        known.headSet(now).clear();
        from = now;
        Instant horizon = now.plus(ahead);
        if (to.isBefore(horizon)) {
            known.addAll(times.between(to, horizon));
            to = horizon;
        }
        while (known.size() < runs) {
            Optional<Instant> n = times.next(to.minusNanos(1));
            if (n.isEmpty()) break;
            known.add(n.get());
            to = n.get().plusNanos(1);
        }
        List<Instant> out = new ArrayList<>();
        for (Instant i : known) {
            if (out.size() >= runs && !i.isBefore(horizon)) break;
            out.add(i);
        }
        return out;
    }
}
