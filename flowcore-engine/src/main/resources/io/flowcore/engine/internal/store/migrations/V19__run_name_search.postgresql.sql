-- The runs list's name search (FlowRunQuery.nameContains) on PostgreSQL: a trigram index on LOWER(name), so a
-- search for a rare name finds its runs without reading every run. pg_trgm ships with PostgreSQL and is a trusted
-- extension (the database's owner may create it); it goes into schema public, never into a flowcore schema that a
-- workspace delete drops. Where it cannot be had (no rights, no contrib), the search reads every run, as before.
DO $$ DECLARE s TEXT; BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; EXECUTE format('CREATE INDEX flow_runs_name_trgm ON flow_runs USING gin (LOWER(name) %I.gin_trgm_ops)', s); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'flowcore: without pg_trgm (%) the run name search reads every run', SQLERRM; END $$;
