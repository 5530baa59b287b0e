package io.flowcore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.engine.Flowcore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/*
 * flowcore deployment apply|ls|inspect|run|pause|resume|rm. A deployments file is YAML (or JSON):
 *
 *   deployments:
 *     - name: nightly
 *       flowClass: io.flowcore.examples.MonthlyReport
 *       flowMethod: yearlyReport
 *       parameters: {year: 2021, months: [1, 2, 3]}
 *       workQueue: default          # optional
 *       tags: [reports]             # optional
 *       description: ...            # optional
 *
 * `apply` needs the flow classes (--classpath or $FLOWCORE_CLASSPATH) to find each flow's name.
 */
@Command(name = "deployment", mixinStandardHelpOptions = true,
        description = "Apply, list, inspect, run, pause, resume and remove deployments.")
final class DeploymentCommand extends Subcommand {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final ObjectMapper YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    private static final List<String> FIELDS = List.of("name", "flowClass", "flowMethod", "parameters", "workQueue",
            "tags", "description");

    @Command(name = "apply", description = "Create or update the deployments of a YAML (or JSON) file.")
    int apply(@Parameters(paramLabel = "FILE", description = "A file with a 'deployments' list.") Path file)
            throws IOException {
        List<Deployment> deployments = read(file);
        try (Flowcore fc = cli.engine()) {
            for (Deployment d : deployments) {
                java.time.Instant before = java.time.Instant.now();
                DeploymentRecord r = fc.deployments().apply(d);
                out().printf("%s version %d (%s)%n", r.fullName(), r.version(),
                        r.createdAt().isBefore(before) ? "unchanged" : "applied");
            }
        }
        return 0;
    }

    static List<Deployment> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no deployments file " + file);
        String name = file.getFileName().toString();
        JsonNode root = (name.endsWith(".json") ? JSON : YAML).readTree(file.toFile());
        JsonNode list = root == null ? null : root.get("deployments");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected a top-level 'deployments' list");
        }
        List<Deployment> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) {
            String where = file + ": deployments[" + i++ + "]";
            if (!n.isObject()) throw new IllegalArgumentException(where + " is not a mapping");
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) throw new IllegalArgumentException(where + ": unknown field '" + f + "' (fields: " + FIELDS + ")");
            }
            String dName = text(n, "name", where, true);
            Deployment d = new Deployment(text(n, "flowClass", where, true), text(n, "flowMethod", where, true), dName,
                    n.has("parameters") ? JSON.convertValue(n.get("parameters"), LinkedHashMap.class) : Map.of(),
                    n.has("tags") ? JSON.convertValue(n.get("tags"), List.class) : List.of(),
                    n.has("workQueue") ? text(n, "workQueue", where, true) : "default",
                    n.has("description") ? text(n, "description", where, false) : "");
            out.add(d);
        }
        return out;
    }

    private static String text(JsonNode n, String field, String where, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException(where + ": missing '" + field + "'");
            return "";
        }
        if (!v.isTextual()) throw new IllegalArgumentException(where + ": '" + field + "' must be text");
        return v.asText();
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
            out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        }
        return 0;
    }

    static ObjectNode toJson(DeploymentRecord d) throws IOException {
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
        if (d.parameterSchema() != null) o.set("parameterSchema", JSON.readTree(d.parameterSchema()));
        return o;
    }

    @Command(name = "run", description = "Create a run of a deployment for a worker to execute.")
    int run(@Parameters(paramLabel = "FLOW/DEPLOYMENT") String fullName,
            @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A parameter (JSON when it parses, "
                    + "else text); repeatable.") List<String> params,
            @Option(names = "--watch", description = "Follow its states and logs; exit 0 only if it ends Completed.")
            boolean watch) throws InterruptedException {
        Map<String, Object> p = io.flowcore.engine.params.Params.parseCli(params == null ? List.of() : params);
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
