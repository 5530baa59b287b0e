package io.flowcore.engine.internal.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/* Places a LocalSequence's wall-clock times in a zone on the time line (the rules are on ScheduleTimes). */
final class WallClockTimes implements ScheduleTimes {
    /* A local time maps to an instant at most this far from the same wall clock read as the instant's
     * local time (a DST shift is at most 2 h anywhere), so sweeps near a transition start this much earlier.
     * Away from transitions the offset is fixed and a sweep starts at the instant's own local time: a
     * minutely cron then costs one match per next() instead of 180. */
    private static final long REWIND_HOURS = 3;
    private static final java.time.Duration REWIND = java.time.Duration.ofHours(REWIND_HOURS);

    private final LocalSequence sequence;
    private final ZoneId zone;
    private final ZoneRules rules;

    WallClockTimes(LocalSequence sequence, String zone) {
        this.sequence = sequence;
        this.zone = ZoneId.of(zone);
        this.rules = this.zone.getRules();
    }

    /** The instants local time {@code l} fires at (none, one or two), in order. */
    List<Instant> instants(LocalDateTime l) {
        List<java.time.ZoneOffset> offsets = rules.getValidOffsets(l);
        if (offsets.size() == 1) return List.of(l.toInstant(offsets.getFirst()));
        ZoneOffsetTransition t = rules.getTransition(l);
        if (offsets.isEmpty()) return sequence.severalPerDay() ? List.of() : List.of(t.getInstant());
        Instant first = l.toInstant(t.getOffsetBefore());
        return sequence.severalPerDay() ? List.of(first, l.toInstant(t.getOffsetAfter())) : List.of(first);
    }

    /* Where a sweep for instants after `after` starts: its local time, less the rewind when a transition is
     * within the rewind of it. A local time at or before the start maps to an instant at or before `after`. */
    private LocalDateTime start(Instant after) {
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        ZoneOffsetTransition t = rules.nextTransition(after.minus(REWIND));
        boolean near = t != null && !t.getInstant().isAfter(after.plus(REWIND));
        return near ? local.minusHours(REWIND_HOURS) : local;
    }

    @Override
    public Optional<Instant> next(Instant after) {
        LocalDateTime cursor = start(after);
        Instant best = null;
        while (true) {
            Optional<LocalDateTime> l = sequence.nextAfter(cursor);
            if (l.isEmpty()) break;
            if (!l.get().isAfter(cursor)) throw new IllegalStateException("schedule sequence did not move past " + cursor);
            cursor = l.get();
            List<Instant> at = instants(cursor);
            // Earliest instants grow with local time, so nothing later can beat `best`.
            if (best != null && !at.isEmpty() && !at.getFirst().isBefore(best)) break;
            for (Instant i : at) {
                if (i.isAfter(after) && (best == null || i.isBefore(best))) best = i;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public List<Instant> between(Instant from, Instant to) {
        TreeSet<Instant> out = new TreeSet<>();
        LocalDateTime cursor = start(from.minusNanos(1));
        while (true) {
            Optional<LocalDateTime> l = sequence.nextAfter(cursor);
            if (l.isEmpty()) break;
            if (!l.get().isAfter(cursor)) throw new IllegalStateException("schedule sequence did not move past " + cursor);
            cursor = l.get();
            List<Instant> at = instants(cursor);
            if (!at.isEmpty() && !at.getFirst().isBefore(to)) break;
            for (Instant i : at) {
                if (!i.isBefore(from) && i.isBefore(to)) out.add(i);
            }
        }
        return new ArrayList<>(out);
    }
}
