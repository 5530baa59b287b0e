package io.flowcore.docs;

import io.flowcore.docs.MarkdownSnippets.Snippet;
import io.flowcore.docs.SnippetSource.InMemorySource;
import io.flowcore.docs.SnippetSource.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles documentation snippets with {@code javax.tools.JavaCompiler} against a class path, and
 * reports errors at the Markdown line they are on.
 */
final class SnippetCompiler implements AutoCloseable {
    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    private final SnippetSource sources = new SnippetSource();
    private final String classPath;
    private final Path classes;

    /**
     * @param classPath what the snippets compile against, e.g. {@code System.getProperty("java.class.path")}
     * @param classes   a folder for the class files, which nothing reads
     */
    SnippetCompiler(String classPath, Path classes) {
        this.classPath = classPath;
        this.classes = classes;
    }

    /** The test class path of this module: the API, engine, blocks and taxi examples with their dependencies. */
    static String testClassPath() {
        return System.getProperty("java.class.path");
    }

    /**
     * The compiler's errors for {@code snippet}, each as {@code file:line: message} with the Markdown
     * line of the error; empty when the snippet compiles. Warnings are not reported.
     */
    List<String> errors(Snippet snippet) {
        Unit unit = sources.toUnit(snippet);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("--release", "21", "-proc:none", "-implicit:none", "-nowarn",
                "-classpath", classPath, "-d", classes.toString());
        javac.getTask(null, files, diagnostics, options, null,
                List.of(new InMemorySource(unit.typeName(), unit.source()))).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) continue;
            int line = unit.markdownLine(d.getLineNumber());
            String where = line > 0 ? snippet.file() + ":" + line
                    : snippet.where() + " (in the code the test wraps around the snippet: "
                      + generatedLine(unit, d.getLineNumber()) + ")";
            errors.add(where + ": " + d.getMessage(Locale.ROOT));
        }
        return errors;
    }

    /** A failure message naming the file, the snippet's first line and the compiler's messages. */
    static String report(Snippet snippet, List<String> errors) {
        return "the Java snippet starting at " + snippet.where() + " does not compile (fix the snippet to show the real"
                + " API, or see docs/README.md for the rules):\n  " + String.join("\n  ", errors);
    }

    private static String generatedLine(Unit unit, long line) {
        String[] lines = unit.source().split("\n", -1);
        return line >= 1 && line <= lines.length ? lines[(int) line - 1].strip() : "line " + line;
    }

    @Override
    public void close() {
        sources.close();
        try {
            files.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
