package io.flowcore.cli;

import io.flowcore.api.block.BlockException;
import io.flowcore.engine.FlowcoreHome;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code flowcore} command line. Run {@code flowcore block --help} for the block commands.
 */
@Command(name = "flowcore", mixinStandardHelpOptions = true, version = "flowcore 0.1.0",
        description = "Embedded workflow orchestration for the JVM.",
        subcommands = {BlockCommand.class})
public final class FlowcoreCli {

    @Option(names = "--home",
            description = "The flowcore home (default: $FLOWCORE_HOME, else -Dflowcore.home, else ~/.flowcore).")
    Path home;

    /** Where secrets typed with {@code -} are read from. */
    final InputStream stdin;
    /** The environment: {@code FLOWCORE_HOME}, {@code FLOWCORE_BLOCKS_KEY}, and variables named by {@code env:}. */
    final Map<String, String> env;

    FlowcoreCli(InputStream stdin, Map<String, String> env) {
        this.stdin = stdin;
        this.env = Map.copyOf(env);
    }

    Path home() {
        return home != null ? home : FlowcoreHome.resolve(env, System.getProperties());
    }

    /** A command line whose block errors print as one line ("error: ...") with exit code 1. */
    public static CommandLine commandLine() {
        return commandLine(System.in, System.getenv());
    }

    /** The command line reading standard input from {@code stdin} and variables from {@code env}. */
    static CommandLine commandLine(InputStream stdin, Map<String, String> env) {
        CommandLine cl = new CommandLine(new FlowcoreCli(stdin, env));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof BlockException)) throw e;
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
