package io.flowcore.server;

import io.flowcore.api.spi.ApiKeyStore;
import io.flowcore.api.spi.ApiKeyStore.ApiKey;
import io.flowcore.engine.FlowcoreConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/*
 * A key is "fck_<id>.<secret>": the id (8 random bytes, hex) finds the stored row, the secret (32 random
 * bytes, Base64url) proves possession. Only SHA-256(salt || secret) is stored, with a 16-byte salt of its own.
 *
 * Why a plain salted SHA-256 and not PBKDF2 or bcrypt: slow hashes protect secrets people choose, which are
 * guessable; a 256-bit random secret cannot be guessed however fast the hash, so a slow hash would only add
 * its ~100 ms to every API call. The salt keeps two stores' hashes from being compared, and the comparison
 * is constant-time (MessageDigest.isEqual).
 */

/** Creates, checks and revokes the API keys of a server, kept in the engine's store. */
public final class ApiKeys {
    private static final String PREFIX = "fck_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKeyStore store;
    private final InstantSource clock;

    /** A key as shown once on creation. */
    public record Created(String id, Role role, String workspace, String key) {
    }

    /** Who a valid key lets in: its role, in its workspace. */
    public record Caller(Role role, String workspace) {
    }

    public ApiKeys(ApiKeyStore store, InstantSource clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Creates a key of the workspace {@code default} with {@code role}; see {@link #create(String, Role)}. */
    public Created create(Role role) {
        return create(FlowcoreConfig.DEFAULT_WORKSPACE, role);
    }

    /**
     * Creates a key with {@code role} in {@code workspace}; its secret is in the result only and cannot be
     * recovered later.
     *
     * @throws IllegalArgumentException when there is no such workspace
     */
    public Created create(String workspace, Role role) {
        if (!workspace.equals(FlowcoreConfig.DEFAULT_WORKSPACE)
                && store.workspaces().stream().noneMatch(w -> w.name().equals(workspace))) {
            throw new IllegalArgumentException("there is no workspace '" + workspace + "': create it with "
                    + "'flowcore server workspace create " + workspace + "' (see 'flowcore server workspace ls')");
        }
        String id = HexFormat.of().formatHex(random(8));
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        byte[] salt = random(16);
        store.insertApiKey(new ApiKey(id, role.label(), Base64.getEncoder().encodeToString(salt),
                Base64.getEncoder().encodeToString(hash(salt, secret)), clock.instant(), null, workspace));
        return new Created(id, role, workspace, PREFIX + id + "." + secret);
    }

    /** The role of {@code key} when it is a valid, unrevoked key of this store. */
    public Optional<Role> verify(String key) {
        return authenticate(key).map(Caller::role);
    }

    /** The role and workspace of {@code key} when it is a valid, unrevoked key of this store. */
    public Optional<Caller> authenticate(String key) {
        if (key == null || !key.startsWith(PREFIX)) return Optional.empty();
        int dot = key.indexOf('.');
        if (dot < 0) return Optional.empty();
        String id = key.substring(PREFIX.length(), dot);
        if (!id.matches("[0-9a-f]{16}")) return Optional.empty();
        Optional<ApiKey> stored = store.apiKey(id);
        if (stored.isEmpty() || stored.get().revoked()) return Optional.empty();
        byte[] expected = Base64.getDecoder().decode(stored.get().hash());
        byte[] actual = hash(Base64.getDecoder().decode(stored.get().salt()), key.substring(dot + 1));
        return MessageDigest.isEqual(expected, actual)
                ? Optional.of(new Caller(Role.parse(stored.get().role()), stored.get().workspace())) : Optional.empty();
    }

    /** The role and workspace of the key with this id while it is not revoked (a stored session's key). */
    Optional<Caller> caller(String id) {
        return store.apiKey(id).filter(k -> !k.revoked()).map(k -> new Caller(Role.parse(k.role()), k.workspace()));
    }

    /** The id part of a key ({@code fck_<id>.<secret>}) that {@link #authenticate} accepted. */
    static String idOf(String key) {
        return key.substring(PREFIX.length(), key.indexOf('.'));
    }

    /** Keeps a dashboard session: the store gets a hash of its token, never the token (as for keys). */
    void saveSession(String token, String keyId, String csrf, java.time.Instant expires) {
        store.insertSession(new ApiKeyStore.WebSession(tokenHash(token), keyId, csrf, expires), clock.instant());
    }

    Optional<ApiKeyStore.WebSession> session(String token) {
        return store.session(tokenHash(token));
    }

    void endSession(String token) {
        store.deleteSession(tokenHash(token));
    }

    /** A session token is 256 random bits, like a key's secret: an unsalted hash suffices to look it up. */
    private static String tokenHash(String token) {
        return HexFormat.of().formatHex(hash(new byte[0], token));
    }

    /** Every key (no secrets: there are none to show), oldest first. */
    public List<ApiKey> list() {
        return store.apiKeys();
    }

    /** Revokes the key with this id; false when there is none or it was revoked already. */
    public boolean revoke(String id) {
        return store.revokeApiKey(id, clock.instant());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] hash(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
