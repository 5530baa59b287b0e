package io.flowcore.docs;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import io.flowcore.docs.MarkdownSnippets.Snippet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/*
 * Turns a documentation snippet into a Java compilation unit, by the rules in DocSnippetsCompileTests.
 *
 * Splitting: jshell's SourceCodeAnalysis.analyzeCompletion cuts the text into complete declarations
 * and statements exactly as the Java grammar does (strings, text blocks, comments, lambdas included),
 * so no hand-written tokenizer is needed. Classifying: javac's parser decides whether a piece is a
 * class member (it parses as the body of a class: a type, a method, or a field with an access
 * modifier or `static`); everything else, local variables included, is a statement and keeps its order.
 *
 * Line map: every generated line remembers the Markdown line it came from, so a compiler error is
 * reported at the line a reader sees in the file.
 */
final class SnippetSource implements AutoCloseable {

    /** The imports every wrapped snippet gets; docs/README.md lists the same packages. */
    static final List<String> COMMON_IMPORTS = List.of(
            "io.flowcore.api.*", "io.flowcore.api.block.*", "io.flowcore.api.deployment.*", "io.flowcore.api.notification.*", "io.flowcore.api.run.*", "io.flowcore.api.state.*",
            "io.flowcore.engine.*",
            "io.flowcore.blocks.aws.*", "io.flowcore.blocks.azure.*", "io.flowcore.blocks.gcp.*",
            "io.flowcore.blocks.local.*", "io.flowcore.blocks.sql.*",
            "io.flowcore.blocks.notify.*",
            "io.flowcore.examples.taxi.*",
            "java.io.*", "java.net.*", "java.nio.file.*", "java.time.*", "java.util.*", "java.util.stream.*");

    /** The body that stands in for an elided {@code { ... }}. */
    static final String ELIDED_BODY = "{ throw new UnsupportedOperationException(); }";

    private static final String PACKAGE = "snippet";
    private static final String WRAPPER = "Snippet";
    private static final Pattern ELIDED = Pattern.compile("\\{[ \\t]*(\\.\\.\\.|…)[ \\t]*}");
    private static final Pattern ELIDED_LINE = Pattern.compile("[ \\t]*(\\.\\.\\.|…)[ \\t]*(//.*)?");
    private static final Pattern UNIT_START = Pattern.compile("(?s)^(\\s|//[^\\n]*|/\\*.*?\\*/)*(package|import)\\s");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)");
    private static final Set<Modifier> MEMBER_ONLY = Set.of(Modifier.PUBLIC, Modifier.PROTECTED, Modifier.PRIVATE,
            Modifier.STATIC);

    /**
     * A compilation unit made from a snippet.
     *
     * @param typeName      the name its file must have (without {@code .java})
     * @param source        the Java source
     * @param markdownLines for generated line {@code n} (1-based), {@code markdownLines[n - 1]} is the
     *                      Markdown line it came from, or 0 for a line the wrapper added
     */
    record Unit(String typeName, String source, int[] markdownLines) {

        /** The Markdown line of generated line {@code line} (1-based), or 0 if the wrapper added it. */
        int markdownLine(long line) {
            return line >= 1 && line <= markdownLines.length ? markdownLines[(int) line - 1] : 0;
        }
    }

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final JShell jshell = JShell.builder().executionEngine("local").build();
    private final SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();

    /** The compilation unit for {@code snippet}: as is, or wrapped, per the rules. */
    Unit toUnit(Snippet snippet) {
        String code = withElisionsFilledIn(snippet.code());
        if (UNIT_START.matcher(code).find()) return asIs(snippet, code);
        return wrapped(snippet, code);
    }

    /** {@code { ... }} becomes a body that throws; a line holding only {@code ...} becomes empty. */
    static String withElisionsFilledIn(String code) {
        List<String> out = new ArrayList<>();
        for (String line : code.split("\n", -1)) {
            out.add(ELIDED_LINE.matcher(line).matches() ? ""
                    : ELIDED.matcher(line).replaceAll(Matcher.quoteReplacement(ELIDED_BODY)));
        }
        return String.join("\n", out);
    }

    private static Unit asIs(Snippet snippet, String code) {
        Matcher type = PUBLIC_TYPE.matcher(code);
        String name = type.find() ? type.group(1) : WRAPPER;
        Lines lines = new Lines();
        lines.add(code, snippet.firstCodeLine());
        return lines.toUnit(name);
    }

    private Unit wrapped(Snippet snippet, String code) {
        List<Piece> members = new ArrayList<>();
        List<Piece> statements = new ArrayList<>();
        for (Piece piece : split(code, snippet.firstCodeLine())) {
            (isMember(piece.text()) ? members : statements).add(piece);
        }
        Lines lines = new Lines();
        lines.add("package " + PACKAGE + ";", 0);
        for (String i : COMMON_IMPORTS) lines.add("import " + i + ";", 0);
        lines.add("@SuppressWarnings(\"all\") class " + WRAPPER + " {", 0);
        for (Piece m : members) lines.add(m.text(), m.line());
        lines.add("void snippet() throws Exception {", 0);
        for (Piece s : statements) lines.add(s.text(), s.line());
        lines.add("}}", 0);
        return lines.toUnit(WRAPPER);
    }

    /** A complete declaration or statement of a snippet and the Markdown line it starts on. */
    private record Piece(String text, int line) {
    }

    private List<Piece> split(String code, int firstLine) {
        List<Piece> pieces = new ArrayList<>();
        String rest = code;
        int line = firstLine;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            String remaining = info.remaining();
            boolean complete = info.completeness() == Completeness.COMPLETE
                    || info.completeness() == Completeness.COMPLETE_WITH_SEMI;
            if (info.completeness() == Completeness.EMPTY) break;   // only comments are left
            // Incomplete or not understood: the rest is one piece, and javac says what is wrong with it.
            if (!complete || remaining == null || remaining.length() >= rest.length() || !rest.endsWith(remaining)) {
                pieces.add(new Piece(rest, line));
                break;
            }
            String text = rest.substring(0, rest.length() - remaining.length());
            pieces.add(new Piece(text, line));
            line += (int) text.chars().filter(c -> c == '\n').count();
            rest = remaining;
        }
        return pieces;
    }

    /** Whether {@code piece} parses as the body of a class and declares a type, a method or a field. */
    private boolean isMember(String piece) {
        DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
        JavacTask task = (JavacTask) javac.getTask(null, null, problems, List.of("-proc:none"), null,
                List.of(new InMemorySource("Probe", "class Probe {\n" + piece + "\n}")));
        try {
            CompilationUnitTree unit = task.parse().iterator().next();
            if (problems.getDiagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR)) return false;
            List<? extends Tree> body = ((ClassTree) unit.getTypeDecls().getFirst()).getMembers();
            return !body.isEmpty() && body.stream().allMatch(SnippetSource::isMemberTree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isMemberTree(Tree tree) {
        if (tree instanceof ClassTree || tree instanceof MethodTree) return true;
        return tree instanceof VariableTree v
                && v.getModifiers().getFlags().stream().anyMatch(MEMBER_ONLY::contains);
    }

    @Override
    public void close() {
        jshell.close();
    }

    /** Generated source plus, per line, the Markdown line it came from. */
    private static final class Lines {
        private final StringBuilder source = new StringBuilder();
        private final List<Integer> origin = new ArrayList<>();

        /** Appends {@code text} on new lines; its first line came from Markdown line {@code line} (0: generated). */
        void add(String text, int line) {
            String[] split = text.split("\n", -1);
            for (int i = 0; i < split.length; i++) {
                source.append(split[i]).append('\n');
                origin.add(line == 0 ? 0 : line + i);
            }
        }

        Unit toUnit(String typeName) {
            return new Unit(typeName, source.toString(), origin.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** A source file held in memory. */
    static final class InMemorySource extends SimpleJavaFileObject {
        private final String code;

        InMemorySource(String typeName, String code) {
            super(URI.create("string:///" + typeName.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
