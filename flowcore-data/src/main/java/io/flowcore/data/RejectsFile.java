package io.flowcore.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rows a conversion could not read, one CSV line each: {@code file,line,reason,row}, where
 * {@code row} is the original fields joined again. Created on the first reject only.
 */
final class RejectsFile implements AutoCloseable {
    private final Path path;
    private BufferedWriter out;
    private long count;

    RejectsFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    long count() {
        return count;
    }

    void reject(String file, long line, String reason, CharSequence row) {
        try {
            if (out == null) {
                Files.createDirectories(path.toAbsolutePath().getParent());
                out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
                out.write("file,line,reason,row\n");
            }
            out.write(quote(file) + "," + line + "," + quote(reason) + "," + quote(row.toString()) + "\n");
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rejects file " + path, e);
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
