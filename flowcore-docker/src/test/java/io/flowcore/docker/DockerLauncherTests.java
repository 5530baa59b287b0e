package io.flowcore.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.spi.Launcher;
import io.flowcore.api.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void aLaunchRemovesTheStoppedContainersOfRunsWhoseWorkerDiedAndNothingElse() throws Exception {
        String image = TestImage.get();
        try (DockerClient docker = TestImage.client()) {
            String orphan = container(docker, image, true, "true");
            String running = container(docker, image, true, "sleep", "120");
            String other = container(docker, image, false, "true");
            String created = docker.createContainerCmd(image).withCmd("true")
                    .withLabels(Map.of(DockerLauncher.RUN_LABEL, UUID.randomUUID().toString())).exec().getId();
            try {
                docker.startContainerCmd(orphan).exec();
                docker.startContainerCmd(running).exec();
                docker.startContainerCmd(other).exec();
                docker.waitContainerCmd(orphan).start().awaitStatusCode(60, java.util.concurrent.TimeUnit.SECONDS);
                docker.waitContainerCmd(other).start().awaitStatusCode(60, java.util.concurrent.TimeUnit.SECONDS);

                // stopped a moment ago: a live worker may still be reading its exit code
                assertEquals(0, DockerLauncher.removeLeftovers(docker, Duration.ofMinutes(10), Instant.now()));
                assertEquals(1, DockerLauncher.removeLeftovers(docker, Duration.ZERO, Instant.now().plusSeconds(1)));

                List<String> left = docker.listContainersCmd().withShowAll(true).exec().stream().map(c -> c.getId()).toList();
                assertFalse(left.contains(orphan), "the stopped container of a run is removed");
                assertTrue(left.containsAll(List.of(running, other, created)), "running, unlabelled and not yet "
                        + "started containers stay: " + left);
            } finally {
                for (String id : List.of(orphan, running, other, created)) ContainerRun.remove(docker, id);
            }
        }
    }

    private static String container(DockerClient docker, String image, boolean labelled, String... cmd) {
        var c = docker.createContainerCmd(image).withCmd(cmd);
        if (labelled) c.withLabels(Map.of(DockerLauncher.RUN_LABEL, UUID.randomUUID().toString()));
        return c.exec().getId();
    }
}
