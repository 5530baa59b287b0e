-- Claim epochs: every state write names the epoch it was made under and is applied only while the run's
-- claim_epoch still equals it; whoever takes a run over (crash detection, cancellation from another
-- process, re-claim) moves it on. Existing runs start at 0, as new runs do.
ALTER TABLE flow_runs ADD COLUMN claim_epoch BIGINT NOT NULL DEFAULT 0;

-- What tells a live process from a dead one on this kernel: boot id and PID namespace, and the process's
-- start time (so a reused pid is not mistaken for the engine). Null for leases written before.
ALTER TABLE engine_leases ADD COLUMN namespace TEXT;
ALTER TABLE engine_leases ADD COLUMN process_start BIGINT;
