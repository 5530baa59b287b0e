-- SQLite's writer reads the notification rules in each batch (a local read); only PostgreSQL keeps them between
-- batches (see the PostgreSQL script). The script exists so that the versions stay one sequence on both databases.
SELECT 1;
