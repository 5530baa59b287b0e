-- The first schema of the flowcore state store. ${auto_pk} and ${without_rowid} are filled in per dialect.
-- Instants are epoch nanoseconds (BIGINT); ids are UUID text.

CREATE TABLE flow_runs (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    flow_name          TEXT NOT NULL,
    flow_class         TEXT,
    flow_method        TEXT,
    parameters_json    TEXT,
    parent_flow_run_id TEXT,
    resume_of          TEXT,
    engine_id          TEXT,
    state_type         TEXT NOT NULL,
    state_name         TEXT NOT NULL,
    state_ts           BIGINT NOT NULL,
    state_message      TEXT,
    state_scheduled    BIGINT,
    state_seq          BIGINT NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX flow_runs_created ON flow_runs (created_at);
CREATE INDEX flow_runs_flow ON flow_runs (flow_name, created_at);
CREATE INDEX flow_runs_state ON flow_runs (state_type, created_at);

CREATE TABLE task_runs (
    pk              ${auto_pk},
    id              TEXT NOT NULL UNIQUE,
    flow_run_id     TEXT NOT NULL,
    task_key        TEXT NOT NULL,
    name            TEXT NOT NULL,
    dynamic_key     INTEGER NOT NULL,
    cache_key       TEXT,
    upstream        TEXT NOT NULL,
    state_type      TEXT NOT NULL,
    state_name      TEXT NOT NULL,
    state_ts        BIGINT NOT NULL,
    state_message   TEXT,
    state_scheduled BIGINT,
    state_seq       BIGINT NOT NULL,
    result_ref      TEXT,
    created_at      BIGINT NOT NULL,
    history         TEXT NOT NULL  -- the task run's state history, one line per state (HistoryCodec)
);
CREATE INDEX task_runs_flow ON task_runs (flow_run_id, pk);

-- The state history of flow runs (task runs keep theirs in task_runs.history).
CREATE TABLE state_history (
    run_id         TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    type           TEXT NOT NULL,
    name           TEXT NOT NULL,
    ts             BIGINT NOT NULL,
    message        TEXT,
    scheduled_time BIGINT,
    PRIMARY KEY (run_id, seq)
)${without_rowid};

CREATE TABLE run_logs (
    origin      BIGINT NOT NULL,
    origin_seq  BIGINT NOT NULL,
    flow_run_id TEXT NOT NULL,
    task_run_id TEXT,
    ts          BIGINT NOT NULL,
    level       TEXT NOT NULL,
    logger      TEXT,
    message     TEXT,
    PRIMARY KEY (origin, origin_seq)
)${without_rowid};
CREATE INDEX run_logs_flow ON run_logs (flow_run_id, origin, origin_seq);

CREATE TABLE cache_entries (
    cache_key   TEXT PRIMARY KEY,
    result_ref  TEXT,
    task_run_id TEXT,
    expires_at  BIGINT
);

CREATE TABLE engine_leases (
    engine_id    TEXT PRIMARY KEY,
    host         TEXT,
    pid          BIGINT NOT NULL,
    started_at   BIGINT,
    heartbeat_at BIGINT NOT NULL
);
