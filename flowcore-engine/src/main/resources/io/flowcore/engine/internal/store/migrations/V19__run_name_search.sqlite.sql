-- The runs list's name search (FlowRunQuery.nameContains) on SQLite: a trigram full-text index of run names, so a
-- search for a rare name finds its runs without reading every run. It holds no copy of the names (external
-- content: flow_runs), kept current by triggers; StoreReader uses it only as a first filter, the LIKE decides.
CREATE VIRTUAL TABLE flow_run_names USING fts5(name, content = 'flow_runs', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO flow_run_names (flow_run_names) VALUES ('rebuild');
CREATE TRIGGER flow_run_names_insert AFTER INSERT ON flow_runs BEGIN INSERT INTO flow_run_names (rowid, name) VALUES (new.rowid, new.name); END;
CREATE TRIGGER flow_run_names_delete AFTER DELETE ON flow_runs BEGIN INSERT INTO flow_run_names (flow_run_names, rowid, name) VALUES ('delete', old.rowid, old.name); END;
CREATE TRIGGER flow_run_names_update AFTER UPDATE OF name ON flow_runs BEGIN INSERT INTO flow_run_names (flow_run_names, rowid, name) VALUES ('delete', old.rowid, old.name); INSERT INTO flow_run_names (rowid, name) VALUES (new.rowid, new.name); END;
