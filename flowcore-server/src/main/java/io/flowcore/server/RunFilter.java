package io.flowcore.server;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** The flow-run filter of a request's query parameters, shared by the API and the runs page. */
final class RunFilter {
    static final int DEFAULT_PAGE = 50;
    /** A larger page size is capped to this, so one request cannot read the whole store. */
    static final int MAX_PAGE = 200;

    private RunFilter() {
    }

    /**
     * {@code flow}, {@code deployment}, {@code state} (types or names, comma-separated or repeated), {@code tag},
     * {@code name} (contains), {@code created_after}/{@code created_before} (ISO-8601), {@code limit}, {@code cursor}.
     */
    static FlowRunQuery from(Context ctx) {
        FlowRunQuery q = FlowRunQuery.all().limit(limit(ctx.queryParam("limit")));
        String flow = blankToNull(ctx.queryParam("flow"));
        if (flow != null) q = q.flow(flow);
        String deployment = blankToNull(ctx.queryParam("deployment"));
        if (deployment != null) q = q.deployment(deployment);
        String tag = blankToNull(ctx.queryParam("tag"));
        if (tag != null) q = q.tag(tag);
        String name = blankToNull(ctx.queryParam("name"));
        if (name != null) q = q.nameContains(name);
        Set<StateType> types = EnumSet.noneOf(StateType.class);
        List<String> names = new ArrayList<>();
        for (String param : ctx.queryParams("state")) {
            for (String s : param.split(",")) {
                if (s.isBlank()) continue;
                StateType t = type(s.trim());
                if (t != null) types.add(t);
                else names.add(s.trim());
            }
        }
        if (!types.isEmpty()) q = q.inStates(types.toArray(StateType[]::new));
        if (!names.isEmpty()) q = q.inStateNames(names.toArray(String[]::new));
        Instant after = instant("created_after", ctx.queryParam("created_after"));
        Instant before = instant("created_before", ctx.queryParam("created_before"));
        if (after != null || before != null) q = q.between(after, before);
        String cursor = blankToNull(ctx.queryParam("cursor"));
        if (cursor != null) q = q.after(decode(cursor));
        return q;
    }

    static int limit(String value) {
        if (value == null || value.isBlank()) return DEFAULT_PAGE;
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("limit must be a whole number: '" + value + "'");
        }
        if (n <= 0) throw new BadRequest("limit must be positive: " + value);
        return (int) Math.min(n, MAX_PAGE);
    }

    /** An opaque cursor for the page after {@code c}. */
    static String encode(FlowRunQuery.Cursor c) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((c.createdAt() + "|" + c.id()).getBytes(StandardCharsets.UTF_8));
    }

    static FlowRunQuery.Cursor decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = s.indexOf('|');
            return new FlowRunQuery.Cursor(Instant.parse(s.substring(0, bar)), UUID.fromString(s.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw new BadRequest("cursor is not one this server gave out: '" + cursor + "'");
        }
    }

    private static StateType type(String s) {
        try {
            return StateType.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException notAType) {
            return null;
        }
    }

    private static Instant instant(String param, String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequest(param + " must be an ISO-8601 instant such as 2025-03-01T00:00:00Z: '" + value + "'");
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
