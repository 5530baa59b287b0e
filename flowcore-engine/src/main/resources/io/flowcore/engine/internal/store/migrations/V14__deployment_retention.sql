-- How long a deployment's ended runs are kept before a worker's pruner deletes them, instead of the
-- engine's retention (io.flowcore.api.deployment.Deployment#retention); NULL: the engine's.
ALTER TABLE deployments ADD COLUMN retention_ms BIGINT;
