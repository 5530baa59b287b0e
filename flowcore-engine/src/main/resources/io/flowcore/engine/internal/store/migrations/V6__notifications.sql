-- Notification rules (io.flowcore.api.notification) and their outbox. An event is inserted in the same
-- transaction as the state change it reports, once per (rule, run, state); senders in any engine claim
-- due events (claimed_by/claimed_until), deliver them and record the outcome.
CREATE TABLE notification_rules (
    name        TEXT PRIMARY KEY,
    flows       TEXT NOT NULL,
    deployments TEXT NOT NULL,
    tags        TEXT NOT NULL,
    states      TEXT NOT NULL,
    notifier    TEXT NOT NULL,
    paused      INTEGER NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE notification_events (
    id              TEXT PRIMARY KEY,
    rule            TEXT NOT NULL,
    notifier        TEXT NOT NULL,
    flow_run_id     TEXT NOT NULL,
    state_type      TEXT NOT NULL,
    state_name      TEXT NOT NULL,
    state_message   TEXT,
    state_ts        BIGINT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT,
    UNIQUE (rule, flow_run_id, state_name)
);
CREATE INDEX notification_events_due ON notification_events (status, next_attempt_at);

-- A notifier's failures in a row; one that fails too often is paused, and its events wait.
CREATE TABLE notifiers (
    name                 TEXT PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL,
    paused               INTEGER NOT NULL,
    last_error           TEXT
);
