package io.flowcore.server;

import io.flowcore.api.spi.ApiKeyStore;
import io.flowcore.engine.FlowcoreConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.javalin.security.RouteRole;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Who is calling. An API call carries "Authorization: Bearer <key>". A browser logs in once with a key and
 * then carries a session cookie (HttpOnly, SameSite=Strict, random 256-bit id, kept in memory only: a
 * restart logs everyone out). Every POST of a session must also carry the session's CSRF token (a hidden
 * form field or the X-CSRF-Token header); SameSite=Strict alone does not cover older browsers.
 *
 * Without authentication (loopback only), every caller is admin; a browser still gets a session, so
 * that its forms carry a CSRF token and another site cannot make it cancel runs.
 *
 * The workspace a call works in is the one of the caller's key (or of the key its session logged in with),
 * set here as the request attribute "workspace"; no request parameter can name another. Without
 * authentication it is "default".
 */
final class Auth {
    static final String COOKIE = "flowcore_session";
    static final String CSRF_FIELD = "csrf";
    private static final Duration SESSION_TTL = Duration.ofHours(12);
    /** Without authentication sessions live in memory: cookie-less callers must not fill it. */
    private static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A browser's session.
     *
     * @param loggedIn false for the sessions of a server without authentication (there is nothing to log out of)
     */
    record Session(String id, ApiKeys.Caller caller, String csrf, Instant expires, boolean loggedIn) {
        Role role() {
            return caller.role();
        }
    }

    /** Every caller of a server without authentication. */
    private static final ApiKeys.Caller ANYONE = new ApiKeys.Caller(Role.ADMIN, FlowcoreConfig.DEFAULT_WORKSPACE);

    private final ApiKeys keys; // null without authentication
    private final InstantSource clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    Auth(ApiKeys keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
    }

    boolean enabled() {
        return keys != null;
    }

    /** The API and /metrics answer 401 and JSON errors to programs; other paths are pages that send people to log in. */
    static boolean isForMachines(String path) {
        return path.startsWith("/api/") || path.equals("/metrics");
    }

    /**
     * Runs before every matched route: a route that names roles needs a caller with one of them.
     * API routes answer 401/403 in JSON; pages send an anonymous caller to the login page.
     */
    void check(Context ctx) {
        Role needed = null;
        for (RouteRole r : ctx.routeRoles()) {
            if (r instanceof Router.Needs(Role role) && (needed == null || role.ordinal() < needed.ordinal())) needed = role;
        }
        if (needed == null) return; // a public route: login, static files, health, the OpenAPI document
        boolean api = isForMachines(ctx.path());
        Optional<ApiKeys.Caller> bearer = bearer(ctx);
        Session session = bearer.isPresent() ? null : session(ctx).orElse(null);
        if (bearer.isEmpty() && session == null && !enabled() && !api) session = newSession(ctx, ANYONE);
        ApiKeys.Caller caller = bearer.orElse(session == null ? (enabled() ? null : ANYONE) : session.caller());
        if (caller == null) {
            if (api) throw new Unauthorized(ctx.header("Authorization") == null
                    ? "this call needs an API key: send 'Authorization: Bearer <key>'" : "the API key is not valid");
            throw new LoginNeeded();
        }
        Role role = caller.role();
        if (!role.allows(needed)) {
            throw new Forbidden("a " + role.label() + " key may not do this: it needs the " + needed.label() + " role");
        }
        if (session != null && ctx.method() == io.javalin.http.HandlerType.POST && !csrfMatches(ctx, session)) {
            throw new Forbidden("the form's CSRF token is missing or stale: reload the page and try again");
        }
        if (api && bearer.isEmpty() && session == null && ctx.method() == io.javalin.http.HandlerType.POST
                && !String.valueOf(ctx.contentType()).startsWith("application/json")
                && !String.valueOf(ctx.contentType()).startsWith(io.flowcore.engine.EngineEndpoint.OPS_TYPE)) {
            // without authentication: a cross-site form can send neither JSON nor a batch of writes, so this stops forged POSTs
            throw new BadRequest("send POST bodies as application/json");
        }
        ctx.attribute("role", role);
        ctx.attribute("workspace", caller.workspace());
        if (session != null) ctx.attribute("session", session);
    }

    /** Logs a browser in with an API key; empty when the key is not valid. */
    Optional<Session> login(Context ctx, String key) {
        if (!enabled()) return Optional.of(newSession(ctx, ANYONE));
        String k = key == null ? null : key.trim();
        return keys.authenticate(k).map(caller -> newStoredSession(ctx, caller, ApiKeys.idOf(k)));
    }

    void logout(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id != null && enabled()) keys.endSession(id);
        else if (id != null) sessions.remove(id);
        ctx.cookie(cookie("", 0));
    }

    /** The caller's session, if it has a live one. */
    Optional<Session> session(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null) return Optional.empty();
        if (enabled()) return storedSession(id);
        Session s = sessions.get(id);
        if (s == null) return Optional.empty();
        if (s.expires().isBefore(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private Optional<ApiKeys.Caller> bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        if (!enabled()) return Optional.of(ANYONE);
        return keys.authenticate(h.substring(7).trim());
    }

    /*
     * With authentication, a login's session is kept in the store (only a hash of its token), so a restarted
     * server (or another one on the store) still knows it: a page's live log reconnects instead of being sent to
     * the login page. Each request looks the session's key up again, so revoking a key ends its sessions.
     */
    private Session newStoredSession(Context ctx, ApiKeys.Caller caller, String keyId) {
        Instant now = clock.instant();
        String token = token();
        Session s = new Session(token, caller, token(), now.plus(SESSION_TTL), true);
        keys.saveSession(token, keyId, s.csrf(), s.expires());
        ctx.cookie(cookie(token, (int) SESSION_TTL.toSeconds()));
        return s;
    }

    private Optional<Session> storedSession(String token) {
        Optional<ApiKeyStore.WebSession> stored = keys.session(token);
        if (stored.isEmpty()) return Optional.empty();
        if (stored.get().expiresAt().isBefore(clock.instant())) {
            keys.endSession(token);
            return Optional.empty();
        }
        return keys.caller(stored.get().keyId())
                .map(caller -> new Session(token, caller, stored.get().csrf(), stored.get().expiresAt(), true));
    }

    /** A session of a server without authentication: in memory, as there is no key to keep it by. */
    private Session newSession(Context ctx, ApiKeys.Caller caller) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) sessions.values().removeIf(old -> old.expires().isBefore(now));
        if (sessions.size() >= MAX_SESSIONS) throw new Forbidden("too many open sessions: try again later");
        Session s = new Session(token(), caller, token(), now.plus(SESSION_TTL), enabled());
        sessions.put(s.id(), s);
        ctx.cookie(cookie(s.id(), (int) SESSION_TTL.toSeconds()));
        return s;
    }

    private static Cookie cookie(String value, int maxAge) {
        return new Cookie(COOKIE, value, "/", maxAge, false, true, null, SameSite.STRICT);
    }

    private static boolean csrfMatches(Context ctx, Session s) {
        String sent = ctx.header("X-CSRF-Token");
        if (sent == null) sent = ctx.formParam(CSRF_FIELD);
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                s.csrf().getBytes(StandardCharsets.UTF_8));
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A page asked for without a session: the browser is sent to the login page. */
    static final class LoginNeeded extends RuntimeException {
        LoginNeeded() {
            super("log in with an API key");
        }
    }

    /** 401. */
    static final class Unauthorized extends RuntimeException {
        Unauthorized(String message) {
            super(message);
        }
    }

    /** 403. */
    static final class Forbidden extends RuntimeException {
        Forbidden(String message) {
            super(message);
        }
    }
}
