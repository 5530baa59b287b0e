package io.flowcore.engine.internal.store;

import io.flowcore.api.run.StateChange;
import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A task run's state history as text kept in its own row: one line per state, appended with
 * {@code history || ?}. Keeping it in the row spares three index insertions per task run, which is most
 * of the writer's cost. Line: seq, type, name, ts nanos, scheduled nanos (or empty), message
 * ({@code =text}, or empty for none), tab-separated, with tab, newline and backslash escaped.
 */
final class HistoryCodec {
    private HistoryCodec() {
    }

    static void append(StringBuilder sb, long seq, State s) {
        sb.append(seq).append('\t').append(s.type().name()).append('\t');
        escape(sb, s.name());
        sb.append('\t').append(Columns.nanos(s.timestamp())).append('\t');
        if (s.scheduledTime() != null) sb.append(Columns.nanos(s.scheduledTime()));
        sb.append('\t');
        if (s.message() != null) {
            sb.append('=');
            escape(sb, s.message());
        }
        sb.append('\n');
    }

    static List<StateChange> decode(UUID runId, String text) {
        List<StateChange> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            String[] f = text.substring(start, end).split("\t", -1);
            String message = f[5].isEmpty() ? null : unescape(f[5].substring(1));
            Instant scheduled = f[4].isEmpty() ? null : Columns.instant(Long.parseLong(f[4]));
            out.add(new StateChange(runId, Long.parseLong(f[0]), new State(StateType.valueOf(f[1]), unescape(f[2]),
                    Columns.instant(Long.parseLong(f[3])), message, scheduled)));
            start = end + 1;
        }
        return out;
    }

    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
