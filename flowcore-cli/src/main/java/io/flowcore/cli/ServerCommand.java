package io.flowcore.cli;

import io.flowcore.engine.Flowcore;
import io.flowcore.server.ApiKeys;
import io.flowcore.server.FlowcoreServer;
import io.flowcore.server.Role;
import io.flowcore.server.ServerOptions;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowcore server start}: the REST API and the dashboard over the home's store or the database, until
 * SIGTERM (Ctrl-C); {@code flowcore server api-key create|ls|revoke}: the keys they accept.
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the API and dashboard server; manage API keys.",
        subcommands = ServerCommand.ApiKeyCommand.class)
final class ServerCommand extends Subcommand {
    @Command(name = "start", description = "Serve the REST API and the dashboard.")
    int start(@Option(names = "--port", defaultValue = "4200", description = "The port (default 4200).") int port,
              @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
                      description = "The address to listen on (default 127.0.0.1: this machine only).") String bind,
              @Option(names = "--no-auth", description = "Accept calls without an API key (only on a loopback address).")
              boolean noAuth) throws InterruptedException {
        ServerOptions options = new ServerOptions(port, bind, !noAuth); // refuses --no-auth off loopback, before opening
        try (Flowcore fc = cli.engine(); FlowcoreServer server = FlowcoreServer.start(fc, options)) {
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
        int create(@Option(names = "--role", required = true, paramLabel = "read|run|admin",
                description = "read: view; run: also start, cancel and retry runs; admin: everything.") String role) {
            Role r = Role.parse(role);
            try (Flowcore fc = server.cli.engine()) {
                ApiKeys.Created k = keys(fc).create(r);
                server.out().printf("%s%n", k.key());
                server.err().printf("api key %s (%s) created: copy it now, it is not shown again%n", k.id(), r.label());
                return 0;
            }
        }

        @Command(name = "ls", description = "List the API keys (ids and roles; the keys themselves are not kept).")
        int ls() {
            try (Flowcore fc = server.cli.engine()) {
                server.out().printf("%-16s  %-5s  %-30s  %s%n", "ID", "ROLE", "CREATED", "REVOKED");
                for (var k : keys(fc).list()) {
                    server.out().printf("%-16s  %-5s  %-30s  %s%n", k.id(), k.role(), k.createdAt(),
                            k.revokedAt() == null ? "" : k.revokedAt());
                }
                return 0;
            }
        }

        @Command(name = "revoke", description = "Revoke an API key: calls with it are refused from now on.")
        int revoke(@Parameters(paramLabel = "ID", description = "The key's id (from 'api-key ls').") String id) {
            try (Flowcore fc = server.cli.engine()) {
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
}
