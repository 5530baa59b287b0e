package io.flowcore.server;

import io.flowcore.api.run.CreatedRuns;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs page's timeline: the flow runs created in the last 24 hours, a bar per hour (UTC), stacked by the type of
 * their current state, from one grouped read of the store. It shows no user text, so there is nothing to escape.
 * A drawing is reused for 10 s per workspace: the grouped read costs about 1 ms per thousand runs of the day, which
 * a busy store would otherwise pay on every load of the runs page.
 */
final class Timeline {
    private static final Duration FRESH = Duration.ofSeconds(10);

    private record Drawn(Instant at, String html) {
    }

    private final Map<Flowcore, Drawn> drawn = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int HOURS = 24;
    /** Stacked bottom-up: what needs a look (failures) at the bottom, where the eye lands. */
    private static final List<StateType> ORDER = List.of(StateType.CRASHED, StateType.FAILED, StateType.CANCELLED,
            StateType.CANCELLING, StateType.PAUSED, StateType.RUNNING, StateType.PENDING, StateType.SCHEDULED,
            StateType.COMPLETED);

    /** The timeline of {@code fc}'s runs at {@code now}, drawn at most {@link #FRESH} ago. */
    String html(Flowcore fc, Instant now) {
        Drawn d = drawn.get(fc);
        if (d != null && !now.isBefore(d.at()) && now.isBefore(d.at().plus(FRESH))) return d.html();
        String html = draw(fc, now);
        drawn.put(fc, new Drawn(now, html));
        return html;
    }

    private static String draw(Flowcore fc, Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.HOURS).plus(HOUR);
        Instant start = end.minus(HOUR.multipliedBy(HOURS));
        Map<Instant, Map<StateType, Long>> byHour = new TreeMap<>();
        for (CreatedRuns c : fc.history().createdRuns(start, end, HOUR)) {
            byHour.computeIfAbsent(c.from(), k -> new EnumMap<>(StateType.class)).merge(c.state(), c.runs(), Long::sum);
        }
        long max = byHour.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum())
                .max().orElse(0);
        long all = 0;
        StringBuilder b = new StringBuilder("<figure class=\"timeline\"><div class=\"bars\">");
        for (int h = 0; h < HOURS; h++) {
            Instant from = start.plus(HOUR.multipliedBy(h));
            Map<StateType, Long> counts = byHour.getOrDefault(from, Map.of());
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            all += total;
            StringBuilder title = new StringBuilder(hour(from)).append("–").append(hour(from.plus(HOUR))).append(" UTC: ");
            StringBuilder segments = new StringBuilder();
            for (StateType t : ORDER) {
                long n = counts.getOrDefault(t, 0L);
                if (n == 0) continue;
                String label = Pages.label(t);
                title.append(n).append(' ').append(label).append(", ");
                segments.append("<span class=\"seg state-").append(t.name().toLowerCase(Locale.ROOT))
                        .append("\" style=\"height:").append(String.format(Locale.ROOT, "%.1f", 100.0 * n / max))
                        .append("%\"></span>");
            }
            String text = total == 0 ? title.append("no runs").toString() : title.substring(0, title.length() - 2);
            b.append("<div class=\"bar\" title=\"").append(text).append("\" data-runs=\"").append(total).append("\">")
                    .append(segments).append("</div>");
        }
        return b.append("</div><figcaption>").append(all).append(all == 1 ? " run" : " runs")
                .append(" created in the last 24 hours, an hour per bar (UTC)</figcaption></figure>").toString();
    }

    private static String hour(Instant t) {
        return t.toString().substring(11, 16);
    }
}
