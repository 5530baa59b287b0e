-- The dashboard's login sessions of flowcore server, kept in the default store so that they survive a
-- restart of the server (and serve every server on the store): only a hash of each session's token is kept.
CREATE TABLE server_sessions (
    id_hash    TEXT PRIMARY KEY,
    key_id     TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
