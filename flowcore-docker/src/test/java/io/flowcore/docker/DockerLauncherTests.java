package io.flowcore.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.Launcher;
import io.flowcore.api.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the docker launcher starts a JVM in a container with the deployment's code and settings")
class DockerLauncherTests {
    /** A main class that is in no image: it reaches the container only as a deployment's code jar. */
    private static final String HELLO = """
            public class Hello {
                public static void main(String[] args) throws Exception {
                    System.out.println("hello " + args[0] + " " + System.getenv("GREETING"));
                    System.out.println(java.nio.file.Files.readString(java.nio.file.Path.of("/data/in.txt")).strip());
                    System.out.println("interfaces " + java.net.NetworkInterface.networkInterfaces()
                            .map(java.net.NetworkInterface::getName).sorted().toList());
                    System.err.print("a last line without its newline");
                    System.exit(3);
                }
            }
            """;

    @TempDir
    Path dir;

    private Path helloJar() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("Hello.java"), HELLO);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d", classes.toString(),
                src.resolve("Hello.java").toString());
        assertEquals(0, rc, "javac");
        Path jar = Files.createDirectories(dir.resolve("code")).resolve("hello.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("Hello.class"));
            Files.copy(classes.resolve("Hello.class"), out);
            out.closeEntry();
        }
        return jar;
    }

    private static Launcher.Launch launch(Infrastructure spec, String mainClass, List<String> args, List<Path> code,
                                          List<String> lines) {
        Instant now = Instant.now();
        FlowRunRecord run = new FlowRunRecord(UUID.randomUUID(), "Direct Launch", "hello", "Hello", "main", "{}", null,
                null, null, State.scheduled("Scheduled", now, now), now);
        DeploymentRecord d = new DeploymentRecord(UUID.randomUUID().toString(), "hello", "direct", 1, "Hello", "main",
                "{}", List.of(), "default", "", "hash", now, null, List.of(), 0, null, spec, null);
        return new Launcher.Launch(run, d, spec, mainClass, args, Map.of(), code, (stderr, line) ->
                lines.add((stderr ? "err: " : "out: ") + line));
    }

    @Test
    void codeJarsAreOnTheClasspathAndEnvVolumesAndNetworkApply() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("in.txt"), "read from a volume\n");
        Infrastructure spec = Infrastructure.docker(TestImage.get()).with("env", Map.of("GREETING", "from env"))
                .with("volumes", List.of(data + ":/data:ro")).with("network", "none");
        List<String> lines = new CopyOnWriteArrayList<>();

        Launcher.LaunchedRun started = new DockerLauncher().launch(
                launch(spec, "Hello", List.of("docker"), List.of(helloJar()), lines));
        Launcher.Exit exit = started.await();

        assertEquals(new Launcher.Exit(3, null), exit, lines.toString());
        assertEquals(List.of("out: hello docker from env", "out: read from a volume", "out: interfaces [lo]",
                "err: a last line without its newline"), lines);
        String shortId = started.describe().substring("container ".length());
        try (DockerClient docker = TestImage.client()) {
            assertEquals(List.of(), docker.listContainersCmd().withShowAll(true).exec().stream()
                    .filter(c -> c.getId().startsWith(shortId)).toList(), "the container is removed once it ended");
        }
    }
}
