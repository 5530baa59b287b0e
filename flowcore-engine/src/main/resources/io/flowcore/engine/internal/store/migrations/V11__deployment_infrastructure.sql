-- Where a deployment's claimed runs execute (io.flowcore.api.deployment.Infrastructure, as JSON; NULL: in the
-- worker's JVM) and where its code is kept (io.flowcore.api.deployment.FlowCode, as JSON; NULL: on the classpath).
ALTER TABLE deployments ADD COLUMN infrastructure TEXT;
ALTER TABLE deployments ADD COLUMN code TEXT;
