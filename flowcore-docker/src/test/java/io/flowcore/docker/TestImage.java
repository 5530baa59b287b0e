package io.flowcore.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import io.flowcore.engine.testing.TestInfra;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The image the docker tests run their flows in: {@code local/flowcore-jdk} with this test JVM's classpath
 * (flowcore, its dependencies and the test flows; folders packed as jars) in {@link DockerLauncher#LIB}.
 * It carries a hash of that classpath as a label, so an unchanged classpath reuses it.
 */
final class TestImage {
    static final String NAME = "local/flowcore-docker-tests";
    static final String BASE = "local/flowcore-jdk";
    private static final String LABEL = "io.flowcore.source";
    private static final String DOCKERFILE = "FROM " + BASE + "\nCOPY lib " + DockerLauncher.LIB + "\n";
    private static String built;

    private TestImage() {
    }

    /** A client of the test Docker engine; fails (CI) or skips the test when there is none. */
    static DockerClient client() {
        DockerClient c = DockerLauncher.client();
        try {
            c.pingCmd().exec();
            return c;
        } catch (RuntimeException e) {
            close(c);
            String why = "no Docker engine answers (" + e.getMessage() + "): run `bash .ci/test-infra.sh up`";
            if (TestInfra.required()) return Assertions.fail(why + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
            return Assumptions.abort(why);
        }
    }

    /** The image's name, built first when the classpath changed. */
    static synchronized String get() throws IOException, InterruptedException {
        if (built != null) return built;
        List<Path> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty() && Files.exists(Path.of(e))) entries.add(Path.of(e));
        }
        String hash = hash(entries);
        DockerClient client = client();
        try {
            try {
                client.inspectImageCmd(BASE).exec();
            } catch (NotFoundException e) {
                Assertions.fail(BASE + " is not on the Docker engine: run `bash .ci/test-infra.sh up` (it builds it)");
            }
            String current = null;
            String previous = null;
            try {
                var old = client.inspectImageCmd(NAME).exec();
                previous = old.getId();
                Map<String, String> labels = old.getConfig().getLabels();
                current = labels == null ? null : labels.get(LABEL);
            } catch (NotFoundException e) {
                // first build
            }
            if (!hash.equals(current)) {
                build(client, entries, hash);
                if (previous != null) removeQuietly(client, previous); // no untagged copy per classpath change
            }
        } finally {
            close(client);
        }
        built = NAME;
        return built;
    }

    private static void build(DockerClient client, List<Path> entries, String hash) throws IOException, InterruptedException {
        Path ctx = Files.createTempDirectory("flowcore-docker-image");
        try {
            Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
            Path lib = Files.createDirectories(ctx.resolve("lib"));
            int i = 0;
            for (Path e : entries) {
                // numbered: two folders are both called classes
                Path target = lib.resolve(String.format("%03d-%s", i++, e.getFileName()) + (Files.isDirectory(e) ? ".jar" : ""));
                if (Files.isDirectory(e)) jar(e, target);
                else Files.copy(e, target);
            }
            client.buildImageCmd(ctx.toFile()).withTags(Set.of(NAME)).withLabels(Map.of(LABEL, hash)).withQuiet(true)
                    .exec(new BuildImageResultCallback()).awaitImageId(3, TimeUnit.MINUTES);
        } finally {
            try (Stream<Path> s = Files.walk(ctx)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void jar(Path dir, Path target) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target)); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    /** SHA-256 of the Dockerfile and every entry's files (names and contents). */
    private static String hash(List<Path> entries) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(DOCKERFILE.getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[1 << 16];
        for (Path e : entries) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(e)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                sha.update(e.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(e.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void removeQuietly(DockerClient client, String imageId) {
        try {
            client.removeImageCmd(imageId).exec();
        } catch (RuntimeException e) {
            // still used by a container, or already gone: it stays until docker image prune
        }
    }

    private static void close(DockerClient c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
