package io.flowcore.engine.schedule;

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
     * local time (a DST shift is at most 2 h anywhere), so sweeps start this much earlier. */
    private static final long REWIND_HOURS = 3;

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

    @Override
    public Optional<Instant> next(Instant after) {
        LocalDateTime cursor = LocalDateTime.ofInstant(after, zone).minusHours(REWIND_HOURS);
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
        LocalDateTime cursor = LocalDateTime.ofInstant(from, zone).minusHours(REWIND_HOURS);
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
