package io.flowcore.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.docs.MarkdownSnippets.Snippet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of {@link DocSnippetsCompileTests}, on small Markdown files written by each test. */
@DisplayName("how documentation snippets are read and compiled")
class SnippetRulesTests {
    private static SnippetCompiler compiler;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCompiler(@TempDir Path classes) {
        compiler = new SnippetCompiler(SnippetCompiler.testClassPath(), classes);
    }

    @AfterAll
    static void closeCompiler() {
        compiler.close();
    }

    private List<Snippet> javaSnippets(String markdown) throws IOException {
        Path file = dir.resolve("guide.md");
        Files.writeString(file, markdown);
        return MarkdownSnippets.javaIn(file, "docs/guide.md");
    }

    private List<String> errorsOfOnlySnippet(String markdown) throws IOException {
        List<Snippet> snippets = javaSnippets(markdown);
        assertEquals(1, snippets.size(), "snippets found: " + snippets);
        return compiler.errors(snippets.getFirst());
    }

    @Test
    void aSnippetThatDoesNotCompileFailsNamingTheFileItsFirstLineAndTheCompilerMessageAtItsLine() throws IOException {
        List<Snippet> snippets = javaSnippets("""
                # Guide

                ```java
                Path work = Path.of("work");
                FlowRun<Long> run = Flowcore.run(NoSuchFlow.class, f -> f.go(work));
                ```
                """);
        List<String> errors = compiler.errors(snippets.getFirst());
        assertFalse(errors.isEmpty());
        assertTrue(errors.getFirst().startsWith("docs/guide.md:5: cannot find symbol"), errors.getFirst());
        assertTrue(errors.getFirst().contains("class NoSuchFlow"), errors.getFirst());
        String report = SnippetCompiler.report(snippets.getFirst(), errors);
        assertTrue(report.contains("the Java snippet starting at docs/guide.md:4 does not compile"), report);
    }

    @Test
    void aClassWithElidedBodiesFollowedByStatementsThatRunItCompiles() throws IOException {
        List<String> errors = errorsOfOnlySnippet("""
                ```java
                public class Counts {
                    @Task(retries = 3, retryDelaySeconds = 2)
                    public Path download(String url) throws IOException { ... }

                    @Flow(name = "counts")
                    public long counts(String url) throws IOException {
                        return Files.size(download(url));
                    }
                    ...
                }

                FlowRun<Long> run = Flowcore.run(Counts.class, f -> f.counts("https://example.org/a.csv"));
                run.state();        // Completed()
                ```
                """);
        assertEquals(List.of(), errors);
    }

    @Test
    void methodsAndStaticFieldsBecomeMembersAndStatementsKeepTheirOrder() throws IOException {
        List<String> errors = errorsOfOnlySnippet("""
                ```java
                private static final int LIMIT = 3;

                @Task
                public int twice(int n) {
                    return 2 * n;
                }

                int first = twice(LIMIT);
                int second = first + 1;          // needs `first` declared before it
                ```
                """);
        assertEquals(List.of(), errors);
    }

    @Test
    void aSnippetThatBeginsWithImportsCompilesAsIsWithoutTheCommonImports() throws IOException {
        assertEquals(List.of(), errorsOfOnlySnippet("""
                ```java
                package demo;

                import io.flowcore.api.Flow;

                public class Hello {
                    @Flow
                    public String hello() {
                        return "hello";
                    }
                }
                ```
                """));
        List<String> errors = errorsOfOnlySnippet("""
                ```java
                import java.util.List;

                public class NoEngine {
                    List<Flowcore> engines;
                }
                ```
                """);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("docs/guide.md:5: cannot find symbol"), errors.getFirst());
    }

    @Test
    void aWrongCallToTheRealApiIsReportedWithTheCompilersReason() throws IOException {
        List<String> errors = errorsOfOnlySnippet("""
                ```java
                GcsBucket lake = new GcsBucket("dtc-data-lake", "data", BlockRef.named("zoom-gcp-creds"));
                ```
                """);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("docs/guide.md:2: constructor GcsBucket in record "
                + "io.flowcore.blocks.gcp.GcsBucket cannot be applied to given types"), errors.getFirst());
    }

    @Test
    void javaBlocksAreFoundInListsWithTheirLinesAndOtherLanguagesAreLeftOut() throws IOException {
        List<Snippet> snippets = javaSnippets("""
                # Guide

                ```bash
                ./run-demo.sh
                ```

                * an item:
                  ```java
                  Path home = Path.of("home");
                  ```

                ```java no-compile: shows a fragment of generated code
                $proxy.call();
                ```

                ~~~Java
                int one = 1;
                ~~~
                """);
        assertEquals(3, snippets.size(), snippets.toString());
        Snippet inList = snippets.get(0);
        assertEquals("docs/guide.md:9", inList.where());
        assertEquals("Path home = Path.of(\"home\");\n", inList.code());
        assertFalse(inList.isNoCompile());
        assertEquals(List.of(), compiler.errors(inList));

        Snippet skipped = snippets.get(1);
        assertTrue(skipped.isNoCompile());
        assertEquals("shows a fragment of generated code", skipped.noCompileReason());

        assertEquals(17, snippets.get(2).firstCodeLine());
    }
}
