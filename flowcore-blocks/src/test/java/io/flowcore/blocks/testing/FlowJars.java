package io.flowcore.blocks.testing;

import io.flowcore.api.Flow;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Jars of {@code @Flow} classes compiled in the test with javax.tools, so the flow is on no classpath of the
 * test JVM: a worker can only run it from the jar it downloads.
 */
public final class FlowJars {
    private FlowJars() {
    }

    /**
     * A jar with {@code flows.stored.<className>}: a {@code @Flow(name = flowName)} method {@code run(String who)}
     * that prints {@code <greeting> <who>} and returns it.
     */
    public static Path helloFlow(Path dir, String className, String flowName, String greeting) throws IOException {
        String source = """
                package flows.stored;

                public class %s {
                    @io.flowcore.api.Flow(name = "%s")
                    public String run(String who) {
                        String said = "%s " + who;
                        System.out.println(said);
                        return said;
                    }
                }
                """.formatted(className, flowName, greeting);
        return jar(dir, className + "-" + Integer.toHexString(greeting.hashCode()) + ".jar", "flows.stored." + className, source);
    }

    /** A jar with one class, {@code fqcn}, compiled from {@code source} against flowcore-api and {@code classpath}. */
    public static Path jar(Path dir, String jarName, String fqcn, String source, Path... classpath) throws IOException {
        Path work = Files.createTempDirectory(dir, "javac-");
        Path src = work.resolve("src/" + fqcn.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp",
                Stream.concat(Stream.of(location(Flow.class)), Stream.of(classpath)).map(Path::toString)
                        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)),
                "-parameters", "-proc:none", src.toString());
        if (rc != 0) throw new IllegalStateException("javac failed (" + rc + ") on " + src);
        Path jar = dir.resolve(jarName);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        return jar;
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
