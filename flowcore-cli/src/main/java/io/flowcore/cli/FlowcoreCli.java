package io.flowcore.cli;

import io.flowcore.api.block.BlockException;
import java.nio.file.Path;
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

    @Option(names = "--home", description = "The flowcore home (default: $FLOWCORE_HOME, else ~/.flowcore).")
    Path home;

    Path home() {
        if (home != null) return home;
        String env = System.getenv("FLOWCORE_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".flowcore");
    }

    /** A command line whose block errors print as one line ("error: ...") with exit code 1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FlowcoreCli());
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
