package io.flowcore.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The build check for {@code flowcore-bom}: it must list every published module of the root pom, so a
 * new module cannot be forgotten. Lives here because flowcore-api builds first and has no dependencies.
 */
@DisplayName("flowcore-bom")
class BomListsEveryModuleTests {
    /**
     * Modules that are not published, so not in the BOM: flowcore-bench holds benchmarks run from the
     * source tree (nobody depends on it), flowcore-docs-tests only compiles the docs' snippets, and the BOM does
     * not list itself.
     */
    static final Set<String> NOT_PUBLISHED = Set.of("flowcore-bench", "flowcore-bom", "flowcore-docs-tests");

    /** The repository root: surefire runs in (and sets {@code basedir} to) this module's folder. */
    static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();

    static Element pom(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), "missing " + file);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    /** The direct child elements of {@code parent} named {@code name}. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
        }
        return out;
    }

    static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.getFirst().getTextContent().trim();
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertEquals(1, found.size(), "expected one <" + name + "> in <" + parent.getTagName() + ">");
        return found.getFirst();
    }

    @Test
    void listsTheArtifactOfEveryPublishedModuleAtTheProjectVersion() throws Exception {
        Element root = pom(ROOT.resolve("pom.xml"));
        Set<String> published = new TreeSet<>();
        for (Element module : children(child(root, "modules"), "module")) {
            String dir = module.getTextContent().trim();
            String artifactId = text(pom(ROOT.resolve(dir).resolve("pom.xml")), "artifactId");
            if (!NOT_PUBLISHED.contains(artifactId)) published.add(artifactId);
        }
        assertTrue(published.contains("flowcore-api") && published.contains("flowcore-engine"), published.toString());

        Element bom = pom(ROOT.resolve("flowcore-bom/pom.xml"));
        Set<String> listed = new TreeSet<>();
        for (Element dep : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            String artifactId = text(dep, "artifactId");
            assertEquals("io.flowcore", text(dep, "groupId"), artifactId);
            assertEquals("${project.version}", text(dep, "version"), artifactId);
            assertTrue(listed.add(artifactId), "listed twice: " + artifactId);
        }
        assertEquals(published, listed, "flowcore-bom/pom.xml must list every module of the root pom except "
                + NOT_PUBLISHED);
    }

    @Test
    void isAStandalonePomAtTheRootsCoordinatesAndIsBuiltWithIt() throws Exception {
        Element root = pom(ROOT.resolve("pom.xml"));
        Element bom = pom(ROOT.resolve("flowcore-bom/pom.xml"));

        assertEquals("pom", text(bom, "packaging"));
        assertEquals(text(root, "groupId"), text(bom, "groupId"));
        assertEquals("flowcore-bom", text(bom, "artifactId"));
        // no parent: importing the BOM must bring flowcore's versions only, not the parent's third-party
        // ones, so the version is written out and has to follow the root's
        assertTrue(children(bom, "parent").isEmpty(), "flowcore-bom must not inherit flowcore-parent");
        assertEquals(text(root, "version"), text(bom, "version"));
        assertTrue(children(child(root, "modules"), "module").stream()
                .anyMatch(m -> m.getTextContent().trim().equals("flowcore-bom")), "the root pom must build flowcore-bom");
    }
}
