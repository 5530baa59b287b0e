-- Work queues: where runs of deployments wait for workers. A queue can be paused (no claims), limited (at most
-- concurrency_limit of its runs Pending, Running or Cancelling on any engine; NULL = unlimited) and ranked
-- (a worker serving several queues claims from the lowest priority number first, as in Prefect).
-- paused is 0 or 1 (SQLite has no boolean).
CREATE TABLE work_queues (
    name              TEXT PRIMARY KEY,
    paused            INTEGER NOT NULL DEFAULT 0,
    concurrency_limit INTEGER,
    priority          INTEGER NOT NULL DEFAULT 0,
    description       TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL
);
-- The queues the deployments applied so far name exist now (a queue is created when a deployment names it).
INSERT INTO work_queues (name, created_at) SELECT DISTINCT work_queue, 0 FROM deployments;

-- A paused deployment gets no runs from its schedules, and 'deployment run' refuses it; one row per paused
-- (flow, deployment), whichever its version.
CREATE TABLE deployment_pauses (
    flow_name TEXT NOT NULL,
    name      TEXT NOT NULL,
    paused_at BIGINT NOT NULL,
    PRIMARY KEY (flow_name, name)
);

-- A run's deployment is read through deployment_id; when a deployment is removed its runs keep its full name
-- here, so their history still says which deployment they were.
ALTER TABLE flow_runs ADD COLUMN deployment_name TEXT;
CREATE INDEX flow_runs_deployment ON flow_runs (deployment_id);

-- A failed run of a deployment is retried by at most one new run (flow-run retry, later crash retries): the
-- second insert of a retry of the same run fails here even when two processes race.
CREATE UNIQUE INDEX flow_runs_one_retry ON flow_runs (resume_of) WHERE deployment_id IS NOT NULL;
