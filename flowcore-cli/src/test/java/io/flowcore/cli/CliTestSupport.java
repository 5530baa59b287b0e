package io.flowcore.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the command line in this JVM on a temporary home; each run's output lands in {@link #out} and {@link #err}. */
abstract class CliTestSupport {
    @TempDir
    Path home;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int run(String... args) {
        return run(Map.of(), args);
    }

    /** With these environment variables (the CLI reads secrets and the database from its environment). */
    int run(Map<String, String> env, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = FlowcoreCli.commandLine(new ByteArrayInputStream(new byte[0]), env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        return cl.execute(all.toArray(String[]::new));
    }
}
