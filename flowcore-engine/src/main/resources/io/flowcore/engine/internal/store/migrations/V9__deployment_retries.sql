-- A deployment's runs that end Crashed (their worker died) are queued again as new runs, up to this many
-- times per original run (io.flowcore.api.deployment.Deployment#retries).
ALTER TABLE deployments ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
