package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcore.api.Flow;
import io.flowcore.engine.FlowCodeUpload;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code flowcore deployment apply FILE --upload JAR}: flow code kept in a block, run by a worker in a child JVM. */
@DisplayName("deployment apply --upload")
class DeploymentUploadCommandTests extends CliTestSupport {
    private static final String DEPLOYMENTS = """
            deployments:
              - name: stored
                flowClass: flows.cli.Hello
                flowMethod: run
                parameters: {who: cli}
                infrastructure: process
                code: {block: lake, path: code/hello.jar}
            """;

    private Path yaml(String body) throws Exception {
        return Files.writeString(home.resolve("flowcore.yaml"), body);
    }

    /** A jar with {@code flows.cli.Hello}, compiled here: it is on no classpath of this JVM. */
    private Path helloJar() throws Exception {
        Path src = home.resolve("src/flows/cli/Hello.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package flows.cli;
                public class Hello {
                    @io.flowcore.api.Flow(name = "hello-cli")
                    public String run(String who) {
                        System.out.println("hello " + who);
                        return "hello " + who;
                    }
                }
                """);
        Path classes = Files.createDirectories(home.resolve("classes"));
        Path api = Path.of(Flow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                api.toString(), "-parameters", "-proc:none", src.toString()));
        Path jar = home.resolve("hello.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void theJarIsUploadedWithItsChecksumAndAWorkerWithoutItOnItsClasspathRunsIt() throws Exception {
        Path jar = helloJar();
        assertThrows(ClassNotFoundException.class, () -> Class.forName("flows.cli.Hello"));
        Path lake = home.resolve("lake");
        assertEquals(0, run("block", "create", "local-lake", "lake", "--set", "folder=" + lake), err.toString());
        Path file = yaml(DEPLOYMENTS);

        assertEquals(0, run("deployment", "apply", file.toString(), "--upload", jar.toString()), err.toString());
        String sha256 = FlowCodeUpload.sha256(jar);
        assertEquals("Uploaded " + jar + " to block 'lake' at code/hello.jar (sha256 " + sha256 + ")\n"
                + "hello-cli/stored version 1 (applied)\n", out.toString().replace("\r", ""));
        assertEquals(sha256, FlowCodeUpload.sha256(lake.resolve("code/hello.jar")));
        assertEquals(0, run("deployment", "apply", file.toString(), "--upload", jar.toString()), err.toString());
        assertTrue(out.toString().contains("hello-cli/stored version 1 (unchanged)"), out.toString());

        assertEquals(0, run("deployment", "inspect", "hello-cli/stored"), err.toString());
        JsonNode d = new ObjectMapper().readTree(out.toString());
        assertEquals("lake", d.get("code").get("block").asText());
        assertEquals(sha256, d.get("code").get("sha256").asText());

        assertEquals(0, run("deployment", "run", "hello-cli/stored"), err.toString());
        assertEquals(0, run("worker", "start", "--run-once"), err.toString());
        assertEquals("worker: ran 1 flow run", out.toString().strip());
        assertEquals(0, run("flow-run", "ls", "--json"));
        JsonNode r = new ObjectMapper().readTree(out.toString()).get(0);
        assertEquals("COMPLETED", r.get("state").get("type").asText(), r.toString());
        assertEquals(0, run("flow-run", "logs", r.get("id").asText()));
        assertTrue(out.toString().contains("| [stdout] hello cli\n"), out.toString());

        // A new schedule is a new version whose classes come from the stored code too (no --classpath here)
        assertEquals(0, run("deployment", "set-schedule", "hello-cli/stored", "--cron", "0 5 * * *"), err.toString());
        assertTrue(out.toString().startsWith("hello-cli/stored version 2: "), out.toString());
    }

    @Test
    void aChecksumGivenInTheFileIsCheckedAgainstTheStoredCodeWhoseClassesAreReadFromThere() throws Exception {
        Path jar = helloJar();
        Path lake = home.resolve("lake");
        assertEquals(0, run("block", "create", "local-lake", "lake", "--set", "folder=" + lake), err.toString());
        Files.createDirectories(lake.resolve("code"));
        Files.copy(jar, lake.resolve("code/hello.jar"));
        String sha256 = FlowCodeUpload.sha256(jar);
        String withSha = DEPLOYMENTS.replace("path: code/hello.jar}", "path: code/hello.jar, sha256: %s}");

        Path file = yaml(withSha.formatted(sha256));
        assertEquals(0, run("deployment", "apply", file.toString()), err.toString());
        assertEquals("hello-cli/stored version 1 (applied)\n", out.toString().replace("\r", ""));

        String other = "ab".repeat(32);
        file = yaml(withSha.formatted(other));
        assertEquals(1, run("deployment", "apply", file.toString()));
        assertEquals("error: deployment 'stored': flow code in block 'lake' does not match the deployment: the object "
                + "'code/hello.jar' has SHA-256 " + sha256 + ", not " + other + " (replaced since the deployment was "
                + "applied, or a wrong checksum); apply the deployment again with --upload to store the new code, or put back the old one\n",
                err.toString().replace("\r", ""));
    }

    @Test
    void codeWithoutAChecksumNeedsUpload() throws Exception {
        Path file = yaml(DEPLOYMENTS);
        assertEquals(1, run("deployment", "apply", file.toString()));
        assertEquals("error: " + file + ": deployments[0].code: has no 'sha256': apply with `--upload JAR` (uploads the "
                + "jar to lake:code/hello.jar and fills it in), or give the SHA-256 of the code already there (a jar: "
                + "sha256sum flows.jar)\n", err.toString().replace("\r", ""));
    }

    @Test
    void uploadWithoutADeploymentThatNamesWhereToPutItIsAnErrorAndUploadsNothing() throws Exception {
        Path jar = helloJar();
        Path file = yaml(DEPLOYMENTS.replace("    code: {block: lake, path: code/hello.jar}\n", ""));
        assertEquals(1, run("deployment", "apply", file.toString(), "--upload", jar.toString()));
        assertEquals("error: " + file + ": --upload needs a deployment with 'code: {block: ..., path: ...}' (where to "
                + "upload the jar), e.g. code: {block: lake, path: code/flows.jar}\n", err.toString().replace("\r", ""));
        assertEquals(1, run("deployment", "apply", yaml(DEPLOYMENTS).toString(), "--upload", home.resolve("nope.jar").toString()));
        assertEquals("error: no flow code at " + home.resolve("nope.jar") + ": give a jar, or a folder of jars\n",
                err.toString().replace("\r", ""));
    }
}
