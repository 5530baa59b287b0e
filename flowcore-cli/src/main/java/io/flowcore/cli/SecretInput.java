package io.flowcore.cli;

import io.flowcore.api.block.BlockException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/*
 * Where the CLI takes a secret from, so that it never has to be a command-line argument (shell
 * history, /proc/<pid>/cmdline): "-" reads the next line of standard input (each "-" one line, so
 * several secrets can be piped in order), "env:VAR" reads an environment variable. Messages name the option and the source,
 * never the value.
 */
final class SecretInput {
    private final InputStream stdin;
    private final Map<String, String> env;
    private BufferedReader lines;

    SecretInput(InputStream stdin, Map<String, String> env) {
        this.stdin = stdin;
        this.env = env;
    }

    /** The secret that {@code source} names; {@code option} (e.g. "--set-secret password=-") is for messages. */
    String read(String source, String option) {
        if (source.equals("-")) return readLine(option);
        if (source.startsWith("env:") && source.length() > 4) {
            String name = source.substring(4);
            String v = env.get(name);
            if (v == null || v.isEmpty()) {
                throw new BlockException(option + ": the environment variable " + name + " is not set");
            }
            return v;
        }
        throw new BlockException(option + ": give '-' to read the value from standard input or 'env:VARIABLE' to read"
                + " it from an environment variable");
    }

    private String readLine(String option) {
        try {
            if (lines == null) lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            String line = lines.readLine();
            if (line != null && line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line != null && !line.isEmpty()) return line;
        } catch (IOException e) {
            throw new BlockException(option + ": cannot read standard input: " + e.getMessage(), e);
        }
        throw new BlockException(option + ": nothing on standard input: pipe the value in, e.g."
                + " `printf '%s\\n' \"$PGPASSWORD\" | flowcore block create ...`");
    }
}
