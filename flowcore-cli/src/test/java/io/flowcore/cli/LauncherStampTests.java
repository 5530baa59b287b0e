package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * Runs the rebuild decision of the ./flowcore launcher (.ci/launcher.sh, fc_build_if_changed over
 * fc_module_sources) with bash on a small module tree in a temp folder. The build command is a stand-in
 * that counts its calls (a unit test must not run Maven); everything else is the script itself.
 *
 * Time without sleeping: every file and folder of the tree starts two hours old, so an edit made by
 * the test (at the real now) is newer than any stamp taken before it.
 */
class LauncherStampTests {
    static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve(".ci/launcher.sh");

    @TempDir
    Path root;
    Path builds;
    Path stamp;

    @BeforeEach
    void createModuleTree() throws IOException {
        assertTrue(Files.isRegularFile(LAUNCHER), "the launcher functions should be at " + LAUNCHER);
        write("pom.xml", "<project><artifactId>flowcore-parent</artifactId></project>");
        write("flowcore-api/pom.xml", pom("flowcore-api"));
        write("flowcore-api/src/main/java/Api.java", "class Api {}");
        write("flowcore-bom/pom.xml", pom("flowcore-bom"));   // a module without src/main
        write("flowcore-cli/pom.xml", pom("flowcore-cli", "flowcore-api", "flowcore-bom"));
        write("flowcore-cli/src/main/java/Cli.java", "class Cli {}");
        write("flowcore-cli/src/main/resources/cli.properties", "level=warn");
        write("flowcore-cli/src/test/java/CliTests.java", "class CliTests {}");
        write("flowcore-bench/pom.xml", pom("flowcore-bench", "flowcore-cli"));
        write("flowcore-bench/src/main/java/Bench.java", "class Bench {}");
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) Files.setLastModifiedTime(p, twoHoursAgo);
        }
        builds = Files.createFile(root.resolve("builds.log"));   // beside the modules, not in their sources
        stamp = root.resolve("flowcore-cli/target/dist/build.stamp");
    }

    static String pom(String artifactId, String... deps) {
        StringBuilder sb = new StringBuilder("<project>\n  <parent><artifactId>flowcore-parent</artifactId></parent>\n")
                .append("  <artifactId>").append(artifactId).append("</artifactId>\n  <dependencies>\n");
        for (String d : deps) {
            sb.append("    <dependency><groupId>io.flowcore</groupId><artifactId>").append(d).append("</artifactId></dependency>\n");
        }
        return sb.append("  </dependencies>\n</project>\n").toString();
    }

    void write(String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** Asks the launcher to build flowcore-cli if it changed; returns the exit code. BUILD_SCRIPT is the stand-in's body. */
    int launch(String buildScript) throws Exception {
        return bash("""
                build() { echo built >> "$BUILDS"; eval "$BUILD_SCRIPT"; }
                mapfile -t sources < <(fc_module_sources "$ROOT" flowcore-cli)
                fc_build_if_changed "$STAMP" build "${sources[@]}"
                """, buildScript).exitCode();
    }

    record Result(int exitCode, String output) {
    }

    /** Runs SCRIPT with bash after sourcing the launcher functions. */
    Result bash(String script, String buildScript) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail\nsource \"$LAUNCHER\"\n" + script)
                .redirectErrorStream(true);
        pb.environment().put("LAUNCHER", LAUNCHER.toString());
        pb.environment().put("ROOT", root.toString());
        pb.environment().put("STAMP", stamp.toString());
        pb.environment().put("BUILDS", builds.toString());
        pb.environment().put("BUILD_SCRIPT", buildScript);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher functions should finish; output: " + output);
        return new Result(p.exitValue(), output);
    }

    int launch() throws Exception {
        return launch("true");
    }

    long buildCount() throws IOException {
        return Files.readAllLines(builds).size();
    }

    @Test
    void watchesTheRootPomAndThePomAndMainSourcesOfTheModuleAndOfEveryModuleItNeeds() throws Exception {
        Result sources = bash("fc_module_sources \"$ROOT\" flowcore-cli", "true");
        assertEquals(0, sources.exitCode(), sources.output());
        assertEquals(List.of("pom.xml", "flowcore-cli/pom.xml", "flowcore-cli/src/main", "flowcore-api/pom.xml",
                        "flowcore-api/src/main", "flowcore-bom/pom.xml", "flowcore-bom/src/main"),
                sources.output().lines().map(line -> root.relativize(Path.of(line)).toString()).toList());
    }

    @Test
    void buildsOnTheFirstCallAndNotAgainWhileNothingChanged() throws Exception {
        assertEquals(0, launch());
        assertEquals(1, buildCount(), "no stamp yet: the first call builds");
        assertEquals(0, launch());
        assertEquals(0, launch());
        assertEquals(1, buildCount(), "nothing changed since the build: no second build");
    }

    @Test
    void rebuildsOnceAfterASourceFileOfTheModuleChanges() throws Exception {
        launch();
        write("flowcore-cli/src/main/java/Cli.java", "class Cli { int changed; }");
        launch();
        assertEquals(2, buildCount(), "Cli.java is newer than the stamp");
        launch();
        assertEquals(2, buildCount(), "the rebuild took a new stamp");
    }

    @Test
    void rebuildsAfterASourceOfAModuleItDependsOnChanges() throws Exception {
        launch();
        write("flowcore-api/src/main/java/Api.java", "class Api { int changed; }");
        launch();
        assertEquals(2, buildCount(), "flowcore-cli depends on flowcore-api");
    }

    @Test
    void rebuildsAfterAResourceOrAPomChanges() throws Exception {
        launch();
        write("flowcore-cli/src/main/resources/cli.properties", "level=info");
        launch();
        write("pom.xml", "<project><artifactId>flowcore-parent</artifactId><!-- new plugin version --></project>");
        launch();
        write("flowcore-api/pom.xml", pom("flowcore-api") + "<!-- new dependency -->");
        launch();
        write("flowcore-bom/pom.xml", pom("flowcore-bom") + "<!-- new version -->");
        launch();
        assertEquals(5, buildCount());
    }

    @Test
    void rebuildsAfterASourceFileIsDeletedOrAdded() throws Exception {
        launch();
        Files.delete(root.resolve("flowcore-api/src/main/java/Api.java"));
        launch();
        assertEquals(2, buildCount(), "the deletion changed its directory's mtime");
        write("flowcore-cli/src/main/java/Added.java", "class Added {}");
        launch();
        assertEquals(3, buildCount());
    }

    @Test
    void ignoresTestSourcesAndModulesTheCliDoesNotNeed() throws Exception {
        launch();
        write("flowcore-cli/src/test/java/CliTests.java", "class CliTests { int changed; }");
        write("flowcore-bench/src/main/java/Bench.java", "class Bench { int changed; }");
        write("flowcore-bench/pom.xml", pom("flowcore-bench", "flowcore-cli") + "<!-- changed -->");
        assertEquals(0, launch());
        assertEquals(1, buildCount(), "flowcore-bench depends on the CLI, not the other way round");
    }

    @Test
    void aFailedBuildKeepsTheOldStampSoTheNextCallBuildsAgain() throws Exception {
        launch();
        write("flowcore-cli/src/main/java/Cli.java", "class Cli { does not compile }");
        assertEquals(3, launch("exit 3"), "the build's exit code comes back");
        assertEquals(0, launch());
        assertEquals(3, buildCount(), "the failed build did not count as done");
    }

    @Test
    void aSourceSavedWhileTheBuildRunsTriggersTheNextBuild() throws Exception {
        launch();
        write("flowcore-cli/src/main/java/Cli.java", "class Cli { int first; }");
        Files.setLastModifiedTime(root.resolve("flowcore-cli/src/main/java/Cli.java"),
                FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        // The stand-in saves Cli.java again as Maven would be compiling the first version.
        launch("echo 'class Cli { int second; }' > \"$ROOT/flowcore-cli/src/main/java/Cli.java\"");
        assertEquals(2, buildCount());
        assertEquals(0, launch());
        assertEquals(3, buildCount(), "the build may have compiled the first Cli.java: build again");
        assertEquals(0, launch());
        assertEquals(3, buildCount());
    }
}
