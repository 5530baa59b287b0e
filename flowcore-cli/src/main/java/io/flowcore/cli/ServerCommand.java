package io.flowcore.cli;

import io.flowcore.engine.Flowcore;
import io.flowcore.engine.FlowcoreConfig;
import io.flowcore.server.ApiKeys;
import io.flowcore.server.FlowcoreServer;
import io.flowcore.server.Role;
import io.flowcore.server.ServerOptions;
import io.flowcore.server.Workspaces;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowcore server start}: the REST API and the dashboard over the home's store or the database, until
 * SIGTERM (Ctrl-C); {@code flowcore server api-key create|ls|revoke}: the keys they accept;
 * {@code flowcore server workspace create|ls}: the workspaces they reach. These commands always work on the
 * workspace {@code default}'s store, which holds the keys and the registry of workspaces.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the API and dashboard server; manage API keys and workspaces.",
        subcommands = {ServerCommand.ApiKeyCommand.class, ServerCommand.WorkspaceCommand.class})
final class ServerCommand extends Subcommand {
    /** An engine on the default workspace, whatever --workspace or FLOWCORE_WORKSPACE say. */
    Flowcore defaultStore() {
        return cli.engine(false, cfg -> cfg.workspace(FlowcoreConfig.DEFAULT_WORKSPACE));
    }

    @Command(name = "start", description = "Serve the REST API and the dashboard.")
    int start(@Option(names = "--port", defaultValue = "4200", description = "The port (default 4200).") int port,
              @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
                      description = "The address to listen on (default 127.0.0.1: this machine only).") String bind,
              @Option(names = "--no-auth", description = "Accept calls without an API key (only on a loopback address).")
              boolean noAuth) throws InterruptedException {
        ServerOptions options = new ServerOptions(port, bind, !noAuth); // refuses --no-auth off loopback, before opening
        try (Flowcore fc = cli.engine(false, cfg -> cfg.workspace(FlowcoreConfig.DEFAULT_WORKSPACE)
                .meterRegistry(io.flowcore.server.PrometheusMetrics.registry()));
             FlowcoreServer server = FlowcoreServer.start(fc, options)) {
            out().printf("server: serving %s on %s%s; Ctrl-C to stop%n", fc.history().storeName(), server.url(),
                    noAuth ? " without authentication" : "");
            if (!noAuth && fc.apiKeys().apiKeys().stream().noneMatch(k -> !k.revoked())) {
                out().println("server: there is no API key yet: create one with 'flowcore server api-key create --role admin'");
            }
            out().flush();
            new CountDownLatch(1).await(); // until SIGTERM: the JVM's shutdown closes the engine
            return 0;
        }
    }

    /** {@code flowcore server api-key create|ls|revoke}. */
    @Command(name = "api-key", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys.")
    static final class ApiKeyCommand {
        @ParentCommand
        ServerCommand server;

        @Command(name = "create", description = "Create an API key; it is shown once and stored only as a salted hash.")
        int create(@Option(names = "--role", required = true, paramLabel = "read|run|worker|admin",
                description = "read: view; run: also start, cancel and retry runs; worker: also run remote engines and "
                        + "workers (worker start --server); admin: everything.") String role,
                   @Option(names = "--workspace", defaultValue = FlowcoreConfig.DEFAULT_WORKSPACE, paramLabel = "NAME",
                           description = "The workspace the key reaches (default: default).") String workspace) {
            Role r = Role.parse(role);
            try (Flowcore fc = server.defaultStore()) {
                ApiKeys.Created k = keys(fc).create(workspace, r);
                server.out().printf("%s%n", k.key());
                server.err().printf("api key %s (%s in workspace %s) created: copy it now, it is not shown again%n",
                        k.id(), r.label(), k.workspace());
                return 0;
            }
        }

        @Command(name = "ls", description = "List the API keys (ids and roles; the keys themselves are not kept).")
        int ls() {
            try (Flowcore fc = server.defaultStore()) {
                server.out().printf("%-16s  %-5s  %-20s  %-30s  %s%n", "ID", "ROLE", "WORKSPACE", "CREATED", "REVOKED");
                for (var k : keys(fc).list()) {
                    server.out().printf("%-16s  %-5s  %-20s  %-30s  %s%n", k.id(), k.role(), k.workspace(), k.createdAt(),
                            k.revokedAt() == null ? "" : k.revokedAt());
                }
                return 0;
            }
        }

        @Command(name = "revoke", description = "Revoke an API key: calls with it are refused from now on.")
        int revoke(@Parameters(paramLabel = "ID", description = "The key's id (from 'api-key ls').") String id) {
            try (Flowcore fc = server.defaultStore()) {
                if (!keys(fc).revoke(id)) {
                    throw new IllegalArgumentException("there is no unrevoked API key '" + id + "' (see 'flowcore server api-key ls')");
                }
                server.out().printf("api key %s revoked%n", id);
                return 0;
            }
        }

        private static ApiKeys keys(Flowcore fc) {
            return new ApiKeys(fc.apiKeys(), InstantSource.system());
        }
    }

    /** {@code flowcore server workspace create|ls|delete|rename}. */
    @Command(name = "workspace", mixinStandardHelpOptions = true, description = "Create, list, delete and rename workspaces.")
    static final class WorkspaceCommand {
        @ParentCommand
        ServerCommand server;

        @Command(name = "create", description = "Create a workspace: an isolated namespace for runs, deployments, "
                + "work queues, blocks and notification rules, with a store and a blocks key of its own.")
        int create(@Parameters(paramLabel = "NAME", description = "A lower-case letter, then up to 39 lower-case "
                + "letters, digits or dashes.") String name) {
            try (Flowcore fc = server.defaultStore(); Workspaces ws = new Workspaces(fc, InstantSource.system())) {
                ws.create(name);
                server.out().printf("workspace %s created: create its keys with 'flowcore server api-key create "
                        + "--workspace %s --role admin'%n", name, name);
                return 0;
            }
        }

        @Command(name = "ls", description = "List the workspaces.")
        int ls() {
            try (Flowcore fc = server.defaultStore(); Workspaces ws = new Workspaces(fc, InstantSource.system())) {
                ws.names().forEach(n -> server.out().println(n));
                return 0;
            }
        }

        @Command(name = "delete", description = "Delete a workspace with everything in it (runs, deployments, work "
                + "queues, blocks and its blocks key, notification rules) and revoke its API keys. Refused while one of "
                + "its runs is in progress; stop its workers first.")
        int delete(@Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--yes", description = "Confirm: nothing of the workspace can be recovered.") boolean yes) {
            if (!yes) {
                throw new IllegalArgumentException("deleting workspace '" + name + "' deletes its runs, deployments, "
                        + "blocks and keys for good: add --yes to confirm");
            }
            try (Flowcore fc = server.defaultStore(); Workspaces ws = new Workspaces(fc, InstantSource.system())) {
                ws.delete(name);
                server.out().printf("workspace %s deleted; its API keys are revoked%n", name);
                return 0;
            }
        }

        @Command(name = "rename", description = "Rename a workspace: its store, blocks and API keys go with it. Refused "
                + "while one of its runs is in progress; restart its workers with the new name.")
        int rename(@Parameters(index = "0", paramLabel = "NAME") String name,
                   @Parameters(index = "1", paramLabel = "NEW-NAME") String newName) {
            try (Flowcore fc = server.defaultStore(); Workspaces ws = new Workspaces(fc, InstantSource.system())) {
                ws.rename(name, newName);
                server.out().printf("workspace %s renamed to %s; its workers need FLOWCORE_WORKSPACE=%s%n", name, newName,
                        newName);
                return 0;
            }
        }
    }
}
