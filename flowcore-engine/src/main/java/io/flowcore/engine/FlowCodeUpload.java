package io.flowcore.engine;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.api.deployment.FlowCode;
import io.flowcore.engine.internal.infra.CodeCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Puts a deployment's flow code (a jar, or a folder of jars) into an object-storage block and returns the
 * {@link FlowCode} to give the deployment, with its SHA-256: what {@code flowcore deployment apply FILE
 * --upload JAR} does. A worker running the deployment on the {@code process} or {@code docker} infrastructure
 * downloads it from there (once per checksum) and refuses it when it changed.
 *
 * <pre>{@code
 * Path jar = Path.of("build/reports.jar");
 * FlowCode code = FlowCodeUpload.upload(fc.blocks(), "lake", "code/reports-1.4.jar", jar);
 * Deployment d = new Deployment("com.example.Reports", "yearly", "nightly", Map.of(), List.of(), "default", "")
 *         .withInfrastructure(Infrastructure.process())
 *         .withCode(code);
 * FlowCodeUpload.apply(fc, d, jar); // the flow class is read from the jar, not from this JVM's classpath
 * }</pre>
 *
 * Uploading other code to the same path makes the runs of deployments applied with the old checksum fail
 * (unless a worker has the old code cached): give each version its own path to keep them runnable.
 */
public final class FlowCodeUpload {
    private FlowCodeUpload() {
    }

    /**
     * Uploads {@code jarOrFolder} to the object-storage block saved as {@code block}: a jar to the key
     * {@code path}; a folder's jars (those directly in it) to {@code path/<name>.jar}, removing the other
     * jars under {@code path/} so the folder stored is exactly the one given.
     *
     * @return where the code is, with its SHA-256 ({@link #sha256})
     * @throws IllegalArgumentException when {@code jarOrFolder} is neither a file nor a folder with jars
     * @throws io.flowcore.api.block.BlockException when the block cannot be loaded or is not object storage,
     *                                               or the upload fails
     * @throws UncheckedIOException when a local file cannot be read
     */
    public static FlowCode upload(Blocks blocks, String block, String path, Path jarOrFolder) {
        if (!(blocks.load(block) instanceof ObjectStorageBlock storage)) {
            throw new io.flowcore.api.block.BlockException("block '" + block + "' is a " + blocks.load(block).getClass()
                    .getSimpleName() + ", not object storage: flow code goes into a local-lake, s3-bucket, gcs-bucket "
                    + "or azure-blob-container block");
        }
        String sha256 = sha256(jarOrFolder);
        if (Files.isDirectory(jarOrFolder)) {
            String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            List<Path> jars = jars(jarOrFolder);
            Set<String> keys = jars.stream().map(j -> prefix + "/" + j.getFileName()).collect(Collectors.toSet());
            for (Path j : jars) storage.upload(j, prefix + "/" + j.getFileName());
            for (String k : storage.list(prefix + "/")) {
                if (k.endsWith(".jar") && !k.substring(prefix.length() + 1).contains("/") && !keys.contains(k)) storage.delete(k);
            }
            return new FlowCode(block, prefix, sha256);
        }
        if (path.endsWith("/")) {
            throw new IllegalArgumentException("flow code path '" + path + "' names a folder but " + jarOrFolder
                    + " is a jar: give the jar's own path, e.g. " + path + jarOrFolder.getFileName());
        }
        storage.upload(jarOrFolder, path);
        return new FlowCode(block, path, sha256);
    }

    /**
     * The checksum a {@link FlowCode} names: a jar's SHA-256, or a folder's: the SHA-256 of its manifest, one
     * line {@code <sha256>  <name>\n} per jar directly in it, sorted by name (in a shell:
     * {@code LC_ALL=C sha256sum *.jar | sha256sum}).
     *
     * @throws IllegalArgumentException when {@code jarOrFolder} is neither a file nor a folder with jars
     */
    public static String sha256(Path jarOrFolder) {
        try {
            if (Files.isRegularFile(jarOrFolder)) return CodeCache.sha256(jarOrFolder);
            if (Files.isDirectory(jarOrFolder)) return CodeCache.sha256(CodeCache.manifest(jars(jarOrFolder)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read flow code " + jarOrFolder + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no flow code at " + jarOrFolder + ": give a jar, or a folder of jars");
    }

    /**
     * Applies {@code deployment} (see {@link Deployments#apply}) with the classes of {@code jarOrFolder} visible
     * to it, so its flow class need not be on this JVM's classpath: while it is applied, the thread's context
     * class loader is one over those jars, whose parent is the current one.
     *
     * @throws IllegalArgumentException as {@link Deployments#apply} does, or when {@code jarOrFolder} is neither a
     *                                  file nor a folder with jars
     */
    public static DeploymentRecord apply(Flowcore fc, Deployment deployment, Path jarOrFolder) {
        List<Path> jars = Files.isDirectory(jarOrFolder) ? jars(jarOrFolder) : List.of(jarOrFolder);
        if (!Files.isRegularFile(jars.get(0))) {
            throw new IllegalArgumentException("no flow code at " + jarOrFolder + ": give a jar, or a folder of jars");
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("flow code " + jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try (URLClassLoader code = new URLClassLoader(urls, before)) {
            t.setContextClassLoader(code);
            return fc.deployments().apply(deployment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the class loader of " + jarOrFolder + ": " + e.getMessage(), e);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /**
     * Applies {@code deployment}, whose {@link Deployment#code() code} is kept in object storage, with the classes
     * of that code: fetched from its block into {@code <home>/code} (where this home's workers keep it, once per
     * checksum) and checked against its SHA-256 first, so a wrong checksum fails the apply and the flow class need
     * not be on this JVM's classpath. What {@code flowcore deployment apply} does for a {@code code:} with a sha256.
     *
     * @throws IllegalArgumentException as {@link Deployments#apply} does, or naming the deployment when it has no
     *                                  code, its block is not object storage, there is no code at its path or the
     *                                  code's checksum is not its sha256
     * @throws io.flowcore.api.block.BlockException when the block cannot be loaded
     * @throws UncheckedIOException when the code cannot be downloaded or cached
     */
    public static DeploymentRecord applyStored(Flowcore fc, Deployment deployment) {
        FlowCode code = deployment.code();
        if (code == null) {
            throw new IllegalArgumentException("deployment '" + deployment.name() + "' names no code in storage: apply it "
                    + "with Deployments.apply, or give it code: {block, path, sha256}");
        }
        if (!(fc.blocks().load(code.block()) instanceof ObjectStorageBlock storage)) {
            throw new IllegalArgumentException("deployment '" + deployment.name() + "': code block '" + code.block()
                    + "' is not object storage (a local-lake, s3-bucket, gcs-bucket or azure-blob-container block)");
        }
        Path folder;
        try {
            folder = new CodeCache(fc.home().resolve("code")).fetch(code, storage).get(0).getParent();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("deployment '" + deployment.name() + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("deployment '" + deployment.name() + "': cannot fetch its code from block '"
                    + code.block() + "' at " + code.path() + ": " + e.getMessage(), e);
        }
        return apply(fc, deployment, folder);
    }

    private static List<Path> jars(Path folder) {
        List<Path> jars;
        try (Stream<Path> s = Files.list(folder)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list flow code folder " + folder + ": " + e.getMessage(), e);
        }
        if (jars.isEmpty()) throw new IllegalArgumentException("flow code folder " + folder + " has no .jar files");
        return jars;
    }
}
