-- Deployments: named, versioned registrations of a @Flow method (io.flowcore.api.deployment). Each apply
-- that changes the content adds a version; the newest version is the deployment.
CREATE TABLE deployments (
    id              TEXT PRIMARY KEY,
    flow_name       TEXT NOT NULL,
    name            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    flow_class      TEXT NOT NULL,
    flow_method     TEXT NOT NULL,
    parameters_json TEXT NOT NULL,
    tags            TEXT NOT NULL,
    work_queue      TEXT NOT NULL,
    description     TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (flow_name, name, version)
);

-- A run of a deployment waits in its work queue, held by no engine (engine_id NULL), until a worker
-- claims it at or after its scheduled time.
ALTER TABLE flow_runs ADD COLUMN deployment_id TEXT;
ALTER TABLE flow_runs ADD COLUMN work_queue TEXT;
CREATE INDEX flow_runs_due ON flow_runs (state_type, work_queue, state_scheduled);
