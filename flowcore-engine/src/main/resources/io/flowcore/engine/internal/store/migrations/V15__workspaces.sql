-- Workspaces of flowcore server (see docs/server.md): the registry and every API key live in the default
-- workspace's store; each other workspace is a store of its own. Keys that existed before belong to 'default'.
ALTER TABLE api_keys ADD COLUMN workspace TEXT NOT NULL DEFAULT 'default';
CREATE TABLE workspaces (
    name       TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
