package io.flowcore.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.flowcore.docs.MarkdownSnippets.Snippet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```java block of {@code README.md} and {@code docs/*.md} compiles against the project's
 * modules (this module's test class path: API, engine, blocks, taxi examples). The rules, also stated
 * in {@code docs/README.md}:
 * <ul>
 *   <li>A snippet that begins with {@code package} or {@code import} is a whole compilation unit and
 *       compiles as is (its file is named after its public type).</li>
 *   <li>Any other snippet is wrapped in a generated class that imports the packages of
 *       {@link SnippetSource#COMMON_IMPORTS} ({@code io.flowcore.api.*}, {@code io.flowcore.engine.*},
 *       the blocks, the taxi examples, {@code java.nio.file.*}, {@code java.util.*}, …). Its type and
 *       method declarations (and fields with an access modifier or {@code static}) become members of
 *       that class; everything else — statements and local variables — becomes, in order, the body of
 *       a method that may throw any exception. So a snippet may declare a class and then use it.</li>
 *   <li>{@code { ... }} (or {@code { … }}) stands for a body left out and compiles as a body that
 *       throws {@code UnsupportedOperationException}; a line holding only {@code ...} is ignored.</li>
 *   <li>Every name a snippet uses must be declared in it or come from the imports: a snippet shows
 *       where its values come from.</li>
 *   <li>A block that cannot compile is fenced as {@code ```java no-compile: <why>}; it is skipped,
 *       must give its reason, and is listed in the test output. Keep these rare.</li>
 * </ul>
 * A failure names the file, the line of the snippet's first code line, and each compiler message at
 * the Markdown line it is about.
 */
@DisplayName("the Java snippets of README.md and docs/*.md")
class DocSnippetsCompileTests {
    /** The repository: the nearest folder, from the working directory up, that holds README.md and docs/. */
    static final Path REPO = repository(Path.of("").toAbsolutePath());

    private static SnippetCompiler compiler;

    @BeforeAll
    static void startCompiler(@TempDir Path classes) {
        compiler = new SnippetCompiler(SnippetCompiler.testClassPath(), classes);
    }

    @AfterAll
    static void closeCompiler() {
        compiler.close();
    }

    private static Path repository(Path from) {
        for (Path p = from; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs"))) return p;
        }
        throw new IllegalStateException("no folder with README.md and docs/ at or above " + from
                + ": run the test inside the flowcore repository");
    }

    /** README.md, then docs/*.md in name order, as paths relative to the repository. */
    static List<String> markdownFiles() throws IOException {
        List<String> names = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            docs.map(p -> "docs/" + p.getFileName()).filter(n -> n.endsWith(".md")).sorted().forEach(names::add);
        }
        return names;
    }

    static List<Snippet> javaSnippets() throws IOException {
        List<Snippet> all = new ArrayList<>();
        for (String name : markdownFiles()) all.addAll(MarkdownSnippets.javaIn(REPO.resolve(name), name));
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompiles() throws IOException {
        return javaSnippets().stream().filter(s -> !s.isNoCompile()).map(s -> dynamicTest(s.where(), () -> {
            List<String> errors = compiler.errors(s);
            assertTrue(errors.isEmpty(), () -> SnippetCompiler.report(s, errors));
        }));
    }

    /** Guards the factory above: a reader that found no snippet would pass it vacuously. */
    @Test
    void theReadmeAndTheConceptsPageHaveJavaSnippetsToCheck() throws IOException {
        List<Snippet> snippets = javaSnippets();
        assertTrue(snippets.stream().anyMatch(s -> s.file().equals("README.md")), "no ```java block found in README.md");
        assertTrue(snippets.stream().anyMatch(s -> s.file().equals("docs/concepts.md")),
                "no ```java block found in docs/concepts.md");
    }

    /** Users see the API and the engine's façade only: no snippet shows them an internal package. */
    @Test
    void noSnippetUsesTheEnginesInternalPackages() throws IOException {
        for (Snippet s : javaSnippets()) {
            assertFalse(s.code().contains("io.flowcore.engine.internal"), () -> s.where() + " uses io.flowcore.engine.internal, "
                    + "which is not API: show the façade (io.flowcore.engine) or add what users need to it");
        }
    }

    @Test
    void aSnippetMarkedNoCompileSaysWhy() throws IOException {
        for (Snippet s : javaSnippets()) {
            if (!s.isNoCompile()) continue;
            assertFalse(s.noCompileReason().isEmpty(), () -> s.where() + " is marked no-compile without a reason: "
                    + "write it after the marker, e.g. ```java no-compile: shows a fragment of a generated class");
            System.out.println("not compiled: " + s.where() + " (" + s.noCompileReason() + ")");
        }
    }

    @Test
    void theDocsStateTheRulesWithTheImportsSnippetsGet() throws IOException {
        String rules = Files.readString(REPO.resolve("docs/README.md"));
        for (String i : SnippetSource.COMMON_IMPORTS) {
            assertTrue(rules.contains("`" + i + "`"), () -> "docs/README.md does not list the import `" + i
                    + "` that wrapped snippets get (SnippetSource.COMMON_IMPORTS): add it to the rules there");
        }
    }
}
