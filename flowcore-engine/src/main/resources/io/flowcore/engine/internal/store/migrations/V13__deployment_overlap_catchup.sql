-- How many runs of a deployment may be active at once and what a run due at that limit does
-- (io.flowcore.api.deployment.Overlap; NULL: no limit), checked when a worker claims.
ALTER TABLE deployments ADD COLUMN overlap_max_active INTEGER;
ALTER TABLE deployments ADD COLUMN overlap_policy TEXT;
-- What a scheduler does about instants missed while none ran (io.flowcore.api.deployment.Catchup: none,
-- latest or all, with a cap; NULL: none).
ALTER TABLE deployments ADD COLUMN catchup TEXT;
ALTER TABLE deployments ADD COLUMN catchup_max INTEGER;
-- A scheduler pass counts the future runs of every schedule (scheduled_at > now) in one read.
CREATE INDEX schedule_runs_at ON schedule_runs (scheduled_at);
