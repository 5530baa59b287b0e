-- Each deployment version keeps its flow method's parameters as a JSON Schema (types and constraints), so a
-- process without the flow's classes (the CLI, a server) can show them and check a run's parameters.
ALTER TABLE deployments ADD COLUMN parameter_schema TEXT;
