-- The runs list's name search on PostgreSQL: no index of its own. A trigram index on flow_runs (pg_trgm) gets a
-- new entry on every state change, as every index does (a state change is no HOT update), and cost the worker
-- benchmark about a tenth of its runs per second; without it a search for a rare name reads the runs from the
-- newest on (53/72 ms p50/p99 for a rare name at 100,000 runs, on 2 cores). The script exists so that the versions stay one
-- sequence on both databases.
SELECT 1;
