package io.flowcore.api.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a server keeps its API keys and the registry of its workspaces: never a key itself, only a salted
 * hash of it (the server hashes; the store only keeps what it is given). Both live in the store of the
 * workspace {@code default}.
 */
public interface ApiKeyStore {

    /**
     * One API key as stored.
     *
     * @param id        the key's public id (the part of the key before the dot), shown by {@code api-key ls}
     * @param role      {@code read}, {@code run} or {@code admin}
     * @param salt      the per-key salt, Base64
     * @param hash      the salted hash of the key's secret part, Base64
     * @param createdAt when it was created
     * @param revokedAt when it was revoked, or null while it is valid
     * @param workspace the workspace whose runs, deployments, queues, blocks and rules the key reaches
     *                  ({@code default} for keys created before workspaces existed)
     */
    record ApiKey(String id, String role, String salt, String hash, Instant createdAt, Instant revokedAt,
                  String workspace) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    /** A workspace registered on the server (the workspace {@code default} is implicit and never listed). */
    record Workspace(String name, Instant createdAt) {
    }

    /** Stores a new key. @throws IllegalArgumentException when a key with its id exists */
    void insertApiKey(ApiKey key);

    Optional<ApiKey> apiKey(String id);

    /** Every key, revoked ones included, oldest first. */
    List<ApiKey> apiKeys();

    /** Marks the key revoked at {@code at}; false when there is no such key or it was revoked already. */
    boolean revokeApiKey(String id, Instant at);

    /** Registers a workspace; false when one of that name exists already. */
    boolean insertWorkspace(Workspace workspace);

    /** Every registered workspace, by name. */
    List<Workspace> workspaces();

    /**
     * Removes workspace {@code name} from the registry and revokes its keys at {@code at} (so their sessions end),
     * in one transaction; false when no such workspace is registered.
     */
    boolean deleteWorkspace(String name, Instant at);

    /**
     * Renames workspace {@code from} to {@code to} in the registry, and its keys with it, in one transaction;
     * false when {@code from} is not registered.
     *
     * @throws IllegalArgumentException when {@code to} is registered already
     */
    boolean renameWorkspace(String from, String to);

    /**
     * A dashboard login, kept so that it outlives the server process that made it.
     *
     * @param idHash    a hash of the session's token (the cookie's value); the token itself is never stored
     * @param keyId     the id of the API key it logged in with: a revoked key ends its sessions
     * @param csrf      the token its forms must send back
     * @param expiresAt when it ends
     */
    record WebSession(String idHash, String keyId, String csrf, Instant expiresAt) {
    }

    /** Stores a new session, and deletes the sessions that expired before {@code now}. */
    void insertSession(WebSession session, Instant now);

    Optional<WebSession> session(String idHash);

    /** Ends a session (a logout); nothing happens when there is none. */
    void deleteSession(String idHash);
}
