-- SQLite claims through flow_runs_due (it has no flow_runs_claim_order); the script exists so that the versions
-- stay one sequence on both databases.
SELECT 1;
