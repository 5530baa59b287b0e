-- Schedules (io.flowcore.api.deployment.Schedule) of each deployment version, as a JSON list; NULL: none.
ALTER TABLE deployments ADD COLUMN schedules TEXT;

-- One row per run a schedule created (the scheduler, a backfill). Its key, the deployment, the schedule and
-- the instant, is unique, so two schedulers on one database never create the same run twice and a
-- backfill run again creates nothing new. Kept after the run ends, for that reason.
CREATE TABLE schedule_runs (
    flow_name       TEXT NOT NULL,
    deployment_name TEXT NOT NULL,
    schedule_key    TEXT NOT NULL,
    scheduled_at    BIGINT NOT NULL,
    flow_run_id     TEXT NOT NULL,
    PRIMARY KEY (flow_name, deployment_name, schedule_key, scheduled_at)
);
CREATE INDEX schedule_runs_run ON schedule_runs (flow_run_id);
