package io.flowcore.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/** Reads the fenced code blocks of Markdown files, with the line each one starts on. */
final class MarkdownSnippets {
    private static final Parser MARKDOWN = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build();

    private MarkdownSnippets() {
    }

    /**
     * A fenced code block.
     *
     * @param file      the Markdown file as it is named in messages, e.g. {@code docs/blocks.md}
     * @param fenceLine the 1-based line of the opening fence; the code starts on the next line
     * @param info      the fence's info string, e.g. {@code java} or {@code java no-compile: why}
     * @param code      the block's text, with the indentation of a fence inside a list removed
     */
    record Snippet(String file, int fenceLine, String info, String code) {

        /** Whether the info string's first word is {@code java}. */
        boolean isJava() {
            return words().length > 0 && words()[0].toLowerCase(Locale.ROOT).equals("java");
        }

        /** Whether the block is marked {@code no-compile} (it is then shown, not compiled). */
        boolean isNoCompile() {
            return info.contains("no-compile");
        }

        /** The text after {@code no-compile}, which says why the snippet cannot compile; "" if none. */
        String noCompileReason() {
            int at = info.indexOf("no-compile");
            return at < 0 ? "" : info.substring(at + "no-compile".length()).replaceFirst("^[\\s:—-]+", "").strip();
        }

        /** The 1-based Markdown line of the snippet's first code line. */
        int firstCodeLine() {
            return fenceLine + 1;
        }

        /** Where the snippet is, for messages: {@code docs/blocks.md:86}. */
        String where() {
            return file + ":" + firstCodeLine();
        }

        private String[] words() {
            return info.strip().isEmpty() ? new String[0] : info.strip().split("\\s+");
        }
    }

    /**
     * The fenced code blocks of {@code markdown}, in order.
     *
     * @param markdown the file to read
     * @param name     how messages name the file (a path relative to the repository)
     */
    static List<Snippet> read(Path markdown, String name) throws IOException {
        List<Snippet> found = new ArrayList<>();
        MARKDOWN.parse(Files.readString(markdown, StandardCharsets.UTF_8)).accept(new AbstractVisitor() {
            @Override
            public void visit(FencedCodeBlock block) {
                int fenceLine = block.getSourceSpans().getFirst().getLineIndex() + 1;
                String info = block.getInfo() == null ? "" : block.getInfo();
                found.add(new Snippet(name, fenceLine, info, block.getLiteral()));
            }
        });
        return found;
    }

    /** The Java snippets of {@code markdown}, including those marked {@code no-compile}. */
    static List<Snippet> javaIn(Path markdown, String name) throws IOException {
        return read(markdown, name).stream().filter(Snippet::isJava).toList();
    }
}
