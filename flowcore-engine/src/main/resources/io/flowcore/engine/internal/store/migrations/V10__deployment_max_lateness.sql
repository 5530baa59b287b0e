-- A run no worker started this long after its scheduled time is skipped (Cancelled, named Skipped)
-- instead of started late (io.flowcore.api.deployment.Deployment#maxLateness); NULL: no limit.
ALTER TABLE deployments ADD COLUMN max_lateness_ms BIGINT;
