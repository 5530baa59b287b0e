-- A claim on SQLite holds the database's one write lock for its whole select-and-update, and reads its plan
-- inside it; only PostgreSQL keeps a plan between claims (see the PostgreSQL script). The script exists so that
-- the versions stay one sequence on both databases.
SELECT 1;
