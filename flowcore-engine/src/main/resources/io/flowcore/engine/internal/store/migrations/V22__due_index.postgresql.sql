-- A state change of a flow run adds an entry to every index on flow_runs (it is no HOT update), and each run
-- changes state at least twice (claimed, then Running and ended in one batch). Since V20 the claim, the queue
-- backlog and the late-run checks read the due runs through flow_runs_claim_order, and the queue limits count
-- the active runs through flow_runs_state, so flow_runs_due only cost writes here.
DROP INDEX IF EXISTS flow_runs_due;
