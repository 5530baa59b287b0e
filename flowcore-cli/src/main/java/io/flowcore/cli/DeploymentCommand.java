package io.flowcore.cli;

import io.flowcore.api.deployment.PlannedRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.engine.DeploymentFiles;
import io.flowcore.engine.FlowCodeUpload;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.SchedulePreview;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/*
 * flowcore deployment apply|ls|inspect|run|pause|resume|rm|set-schedule|backfill. A deployments file is YAML (or JSON):
 *
 *   deployments:
 *     - name: nightly
 *       flowClass: io.flowcore.examples.MonthlyReport
 *       flowMethod: yearlyReport
 *       parameters: {year: 2021, months: [1, 2, 3]}
 *       workQueue: default          # optional
 *       tags: [reports]             # optional
 *       description: ...            # optional
 *       retries: 2                  # optional: a crashed run is queued again as a new run, up to 2 times
 *       maxLateness: 6h             # optional: a run not started 6 h after its time is skipped, not started
 *       overlap: {maxActive: 1, policy: queue}   # optional: at most 1 run active at once; the next waits
 *       catchup: latest             # optional: none (default), latest, all, or {mode: all, max: 20}
 *       retention: 30d              # optional: its ended runs are deleted 30 days on (default: the engine's)
 *       infrastructure:             # optional (default in-process): where a worker runs it
 *         type: process             # or docker (image: ..., memory: 512m, ...)
 *         jvmOptions: [-Xmx512m]
 *       code: {block: lake, path: code/flows.jar, sha256: ...}   # optional: `apply --upload JAR` fills it in
 *       schedules:                  # optional; each one of cron, interval or rrule
 *         - cron: "0 5 1 * *"
 *           timezone: America/New_York
 *         - interval: 1h            # or 90m, 1d, PT1H30M; optional anchor: 2021-01-01T00:00
 *           active: false
 *         - rrule: FREQ=WEEKLY;BYDAY=MO;BYHOUR=6   # optional start: 2021-01-04T00:00
 *
 * `apply` needs the flow classes (--classpath or $FLOWCORE_CLASSPATH) to find each flow's name; with `--upload JAR`
 * it uploads the jar (or folder of jars) to each `code:` block and path, fills in its sha256 and reads the classes
 * from it; a `code:` with a sha256 is fetched (into the home's code cache), checked and read from there. The file is
 * read by the engine's DeploymentFiles, which flowcore server's POST /api/deployments uses for one entry.
 */
@Command(name = "deployment", mixinStandardHelpOptions = true,
        description = "Apply, list, inspect, run, pause, resume, remove, schedule and backfill deployments.")
final class DeploymentCommand extends Subcommand {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final ObjectMapper YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();

    @Command(name = "apply", description = "Create or update the deployments of a YAML (or JSON) file.")
    int apply(@Parameters(paramLabel = "FILE", description = "A file with a 'deployments' list.") Path file,
              @Option(names = "--upload", paramLabel = "JAR", description = "A jar, or a folder of jars, with the flows: "
                      + "uploaded to the block and path of each deployment's 'code:', whose sha256 it fills in; the flow "
                      + "classes are read from it (no --classpath needed).") Path upload)
            throws IOException {
        List<Deployment> deployments;
        List<ObjectNode> withCode = List.of();
        if (upload == null) {
            deployments = DeploymentFiles.read(file);
        } else {
            JsonNode root = tree(file);
            withCode = codeToUpload(root, file);
            // The checksum is known before anything is uploaded, so a bad file uploads nothing.
            String sha256 = FlowCodeUpload.sha256(upload);
            for (ObjectNode c : withCode) c.put("sha256", sha256);
            deployments = DeploymentFiles.read(JSON.writeValueAsString(root), file.toString());
        }
        try (Flowcore fc = cli.engine()) {
            java.util.Set<String> uploaded = new java.util.HashSet<>();
            for (ObjectNode c : withCode) {
                String block = c.get("block").asText();
                String path = c.get("path").asText();
                if (!uploaded.add(block + "\n" + path)) continue;
                var code = FlowCodeUpload.upload(fc.blocks(), block, path, upload);
                out().printf("Uploaded %s to block '%s' at %s (sha256 %s)%n", upload, block, code.path(), code.sha256());
            }
            for (Deployment d : deployments) {
                java.time.Instant before = java.time.Instant.now();
                DeploymentRecord r = upload != null ? FlowCodeUpload.apply(fc, d, upload)
                        : d.code() != null ? FlowCodeUpload.applyStored(fc, d) // its classes come from storage
                        : fc.deployments().apply(d);
                out().printf("%s version %d (%s)%n", r.fullName(), r.version(),
                        r.createdAt().isBefore(before) ? "unchanged" : "applied");
            }
        }
        return 0;
    }

    /** The {@code code:} objects of the deployments in {@code root} (each names a block and a path), for --upload. */
    private static List<ObjectNode> codeToUpload(JsonNode root, Path file) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode list = root == null ? null : root.get("deployments");
        if (list != null && list.isArray()) {
            for (JsonNode n : list) {
                if (n.isObject() && n.get("code") instanceof ObjectNode c && c.path("block").isTextual()
                        && c.path("path").isTextual()) {
                    out.add(c);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": --upload needs a deployment with 'code: {block: ..., path: ...}' "
                    + "(where to upload the jar), e.g. code: {block: lake, path: code/flows.jar}");
        }
        return out;
    }

    /** The file as a tree, for --upload to fill in the sha256 of each {@code code:} before it is read. */
    private static JsonNode tree(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no deployments file " + file);
        String name = file.getFileName().toString();
        return (name.endsWith(".json") ? JSON : YAML).readTree(file.toFile());
    }

    @Command(name = "ls", description = "List deployments (newest version of each).")
    int ls(@Option(names = "--json", description = "Print JSON.") boolean json) throws IOException {
        try (Flowcore fc = cli.engine()) {
            List<DeploymentRecord> all = fc.deployments().list();
            java.util.Set<String> paused = fc.deployments().paused();
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                for (DeploymentRecord d : all) a.add(toJson(d).put("paused", paused.contains(d.fullName())));
                out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
            } else {
                out().printf("%-40s %-8s %-12s %-7s %s%n", "DEPLOYMENT", "VERSION", "QUEUE", "PAUSED", "FLOW");
                for (DeploymentRecord d : all) {
                    out().printf("%-40s %-8d %-12s %-7s %s#%s%n", d.fullName(), d.version(), d.workQueue(),
                            paused.contains(d.fullName()) ? "yes" : "no", d.flowClass(), d.flowMethod());
                }
            }
        }
        return 0;
    }

    @Command(name = "inspect", description = "Show a deployment and its versions.")
    int inspect(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName) throws IOException {
        try (Flowcore fc = cli.engine()) {
            DeploymentRecord d = fc.deployments().get(fullName)
                    .orElseThrow(() -> new IllegalArgumentException("no deployment '" + fullName + "'"));
            ObjectNode o = toJson(d);
            o.put("versions", fc.deployments().versions(fullName).size());
            o.put("paused", fc.deployments().isPaused(fullName));
            o.set("schedules", schedulesWithNextInstants(d, java.time.Instant.now()));
            out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        }
        return 0;
    }

    static ObjectNode toJson(DeploymentRecord d) throws IOException {
        JsonNode file = JSON.readTree(DeploymentFiles.toJson(d)); // as a deployments file writes it
        ObjectNode o = JSON.createObjectNode();
        o.put("name", d.fullName());
        o.put("version", d.version());
        o.put("flowClass", d.flowClass());
        o.put("flowMethod", d.flowMethod());
        o.set("parameters", JSON.readTree(d.parametersJson()));
        o.put("workQueue", d.workQueue());
        o.set("tags", JSON.valueToTree(d.tags()));
        o.put("description", d.description());
        o.put("createdAt", d.createdAt().toString());
        o.put("retries", d.retries());
        if (d.maxLateness() != null) o.put("maxLateness", d.maxLateness().toString());
        ObjectNode inProcess = JSON.createObjectNode().put("type", d.infrastructure().type());
        inProcess.setAll((ObjectNode) JSON.valueToTree(d.infrastructure().settings()));
        o.set("infrastructure", file.has("infrastructure") ? file.get("infrastructure") : inProcess);
        for (String f : List.of("code", "overlap", "catchup", "retention")) {
            if (file.has(f)) o.set(f, file.get(f));
        }
        if (d.parameterSchema() != null) o.set("parameterSchema", JSON.readTree(d.parameterSchema()));
        return o;
    }

    /** Each schedule with its next 5 instants, in its zone and in UTC. */
    static ArrayNode schedulesWithNextInstants(DeploymentRecord d, java.time.Instant now) {
        ArrayNode a = JSON.createArrayNode();
        JsonNode written = scheduleJson(d);
        for (int k = 0; k < d.schedules().size(); k++) {
            Schedule s = d.schedules().get(k);
            ObjectNode o = (ObjectNode) written.get(k);
            o.put("description", SchedulePreview.describe(s));
            ArrayNode next = o.putArray("next");
            java.time.ZoneId zone = java.time.ZoneId.of(s.timezone());
            for (java.time.Instant i : SchedulePreview.next(s, now, 5)) {
                next.addObject().put("local", i.atZone(zone).toOffsetDateTime().toString()).put("utc", i.toString());
            }
            a.add(o);
        }
        return a;
    }

    /** The schedules of {@code d} as its deployments file writes them. */
    private static JsonNode scheduleJson(DeploymentRecord d) {
        try {
            return JSON.readTree(DeploymentFiles.toJson(d)).path("schedules");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Command(name = "set-schedule", description = "Give a deployment exactly one schedule (a new version).")
    int setSchedule(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName,
                    @Option(names = "--cron", paramLabel = "EXPR", description = "5 fields (Unix) or 6-7 (Quartz).") String cron,
                    @Option(names = "--interval", paramLabel = "DURATION", description = "e.g. 90m, 1h, 1d, PT1H30M.") String interval,
                    @Option(names = "--rrule", paramLabel = "RRULE", description = "RFC 5545, e.g. FREQ=DAILY;BYHOUR=5.") String rrule,
                    @Option(names = "--timezone", paramLabel = "ZONE", defaultValue = "UTC", description = "IANA zone (default UTC).") String zone,
                    @Option(names = "--paused", description = "Store it paused.") boolean paused) throws IOException {
        long given = java.util.stream.Stream.of(cron, interval, rrule).filter(java.util.Objects::nonNull).count();
        if (given != 1) throw new IllegalArgumentException("give exactly one of --cron, --interval or --rrule");
        Schedule s = cron != null ? Schedule.cron(cron) : interval != null
                ? Schedule.every(DeploymentFiles.duration(interval, "--interval")) : Schedule.rrule(rrule);
        s = s.withTimezone(zone).withActive(!paused);
        try (Flowcore fc = cli.engine()) {
            DeploymentRecord d = fc.deployments().get(fullName)
                    .orElseThrow(() -> new IllegalArgumentException("no deployment '" + fullName + "'"));
            @SuppressWarnings("unchecked")
            Map<String, Object> params = JSON.readValue(d.parametersJson(), LinkedHashMap.class);
            Deployment next = new Deployment(d.flowClass(), d.flowMethod(), d.name(), params,
                    d.tags(), d.workQueue(), d.description(), List.of(s), d.retries(), d.maxLateness(),
                    d.infrastructure(), d.code(), d.overlap(), d.catchup(), d.retention());
            // Code kept in storage: its classes come from there, as for apply
            DeploymentRecord r = next.code() != null
                    ? FlowCodeUpload.applyStored(fc, next) : fc.deployments().apply(next);
            out().printf("%s version %d: %s%n", r.fullName(), r.version(), scheduleJson(r).get(0));
        }
        return 0;
    }

    @Command(name = "backfill", description = "Create one run per schedule instant in a date range (inclusive), "
            + "templated like scheduled runs; running it again creates nothing new.")
    int backfill(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName,
                 @Option(names = "--from", required = true, paramLabel = "DATE", description = "First day, e.g. 2021-01-01.")
                 java.time.LocalDate from,
                 @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last day, e.g. 2021-12-31.")
                 java.time.LocalDate to,
                 @Option(names = "--dry-run", description = "Print the instants and parameters; create nothing.") boolean dryRun) {
        try (Flowcore fc = cli.engine()) {
            List<PlannedRun> planned = fc.deployments().backfill(fullName, from, to, dryRun);
            int created = 0;
            for (PlannedRun p : planned) {
                java.time.ZoneId zone = java.time.ZoneId.of(p.schedule().timezone());
                String what = dryRun ? "would create" : p.created() ? "created '" + p.run().name() + "'" : "exists";
                out().printf("%s (%s) %s %s%n", p.instant().atZone(zone).toOffsetDateTime(), p.instant(),
                        p.parametersJson(), what);
                if (p.created()) created++;
            }
            out().printf("%d instants, %s%n", planned.size(), dryRun ? "dry run: nothing created" : created + " runs created");
        }
        return 0;
    }

    @Command(name = "run", description = "Create a run of a deployment for a worker to execute.")
    int run(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName,
            @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A parameter (JSON when it parses, "
                    + "else text); repeatable.") List<String> params,
            @Option(names = "--watch", description = "Follow its states and logs; exit 0 only if it ends Completed.")
            boolean watch) throws InterruptedException {
        Map<String, Object> p = io.flowcore.engine.Deployments.parameters(params == null ? List.of() : params);
        try (Flowcore fc = cli.engine()) {
            FlowRunRecord run = fc.deployments().run(fullName, p);
            out().printf("Created flow run '%s' (%s) of %s%n", run.name(), run.id(), fullName);
            out().flush();
            return watch ? FlowRunCommand.follow(fc, run.id(), out()) : 0;
        }
    }

    @Command(name = "pause", description = "Pause a deployment: its schedules create no runs and 'run' refuses it.")
    int pause(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName) {
        try (Flowcore fc = cli.engine()) {
            fc.deployments().pause(fullName);
            out().printf("Paused deployment %s%n", fullName);
        }
        return 0;
    }

    @Command(name = "resume", description = "Resume a paused deployment.")
    int resume(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName) {
        try (Flowcore fc = cli.engine()) {
            fc.deployments().resume(fullName);
            out().printf("Resumed deployment %s%n", fullName);
        }
        return 0;
    }

    @Command(name = "rm", description = "Remove a deployment (all versions) and its runs no worker has claimed; "
            + "finished runs keep their history.")
    int rm(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName) {
        try (Flowcore fc = cli.engine()) {
            int runs = fc.deployments().remove(fullName);
            out().printf("Removed deployment %s and %d scheduled run%s%n", fullName, runs, runs == 1 ? "" : "s");
        }
        return 0;
    }

    /** Prints the log lines after {@code seen} and returns how many there are now. */
    static int printNewLogs(List<RunLog> logs, int seen, PrintWriter out) {
        for (int i = seen; i < logs.size(); i++) {
            RunLog l = logs.get(i);
            out.printf("%s | %-7s | %s%n", l.timestamp(), l.level(), l.message());
        }
        return logs.size();
    }
}
