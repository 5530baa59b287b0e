package io.flowcore.engine.internal.infra;

import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.deployment.FlowCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Flow code downloaded from object storage, kept under a folder named by its SHA-256 so each version is
 * downloaded once, and verified before every use: code whose checksum is not the deployment's never runs.
 *
 * <p>The code is a jar (its SHA-256) or a folder of jars (the SHA-256 of its {@linkplain #manifest manifest}).
 */
public final class CodeCache {
    /*
     * Layout and concurrency: root/<sha256>/ holds the verified jars and nothing else. A fetch downloads into
     * its own root/.download-<uuid>/, verifies it there, and renames the whole folder to root/<sha256> in one
     * step, so two runs (threads or worker processes) fetching the same code at once each download a copy, the
     * first rename wins, the loser's copy is deleted and it uses the winner's. Nobody ever sees a half-written
     * root/<sha256>. A cached folder that no longer verifies (edited by hand) is renamed aside and fetched again.
     */
    private static final String PART = ".download-";
    private final Path root;

    /** @param root the folder the downloads are kept in (e.g. {@code $FLOWCORE_HOME/code}) */
    public CodeCache(Path root) {
        this.root = root;
    }

    /**
     * The jars of {@code code}, from the cache or downloaded from {@code storage}, sorted by name.
     *
     * @throws IllegalStateException naming the block and the object when its checksum is not the deployment's,
     *                               or when there is no code at the path
     */
    public List<Path> fetch(FlowCode code, ObjectStorageBlock storage) throws IOException {
        Path dir = root.resolve(code.sha256());
        List<Path> cached = verified(dir, code.sha256());
        if (cached != null) return cached;
        if (Files.exists(dir)) discard(dir); // it does not verify: fetch it again
        Files.createDirectories(root);
        Path tmp = root.resolve(PART + UUID.randomUUID());
        try {
            download(code, storage, Files.createDirectory(tmp));
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isDirectory(dir)) throw raced; // else another fetch renamed its copy first: use that one
            }
            List<Path> jars = verified(dir, code.sha256());
            if (jars == null) throw new IOException("flow code cache " + dir + " changed while it was written");
            return jars;
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    /** Downloads the jar, or each jar of the folder, into {@code into} and checks it against the deployment's SHA-256. */
    private static void download(FlowCode code, ObjectStorageBlock storage, Path into) throws IOException {
        String path = code.path().endsWith("/") ? code.path().substring(0, code.path().length() - 1) : code.path();
        if (!code.path().endsWith("/") && storage.exists(path)) {
            Path jar = storage.download(path, into.resolve(fileName(path).endsWith(".jar") ? fileName(path) : "code.jar"));
            String actual = sha256(jar);
            if (!actual.equals(code.sha256())) throw mismatch(code, "the object '" + path + "' has SHA-256 ", actual);
            return;
        }
        List<String> keys = storage.list(path + "/").stream().filter(k -> isJarIn(path, k)).toList();
        if (keys.isEmpty()) {
            throw new IllegalStateException("flow code '" + code.path() + "' is not in block '" + code.block()
                    + "' (no object, and no jars under '" + path + "/'): upload it with `flowcore deployment apply FILE "
                    + "--upload JAR` or FlowCodeUpload.upload");
        }
        for (String k : keys) storage.download(k, into.resolve(fileName(k)));
        String actual = sha256(manifest(jars(into)));
        if (!actual.equals(code.sha256())) {
            throw mismatch(code, "the jars under '" + path + "/' (" + keys.stream().map(CodeCache::fileName).toList()
                    + ") have manifest SHA-256 ", actual);
        }
    }

    private static IllegalStateException mismatch(FlowCode code, String what, String actual) {
        return new IllegalStateException("flow code in block '" + code.block() + "' does not match the deployment: "
                + what + actual + ", not " + code.sha256() + " (replaced since the deployment was applied, or a "
                + "wrong checksum); apply the deployment again with --upload to store the new code, or put back the old one");
    }

    private static boolean isJarIn(String folder, String key) {
        String name = key.substring(folder.length() + 1);
        return name.endsWith(".jar") && !name.contains("/");
    }

    private static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** The jars in {@code dir} when they are the code {@code sha256} names (a jar's hash or its manifest's); else null. */
    private static List<Path> verified(Path dir, String sha256) throws IOException {
        if (!Files.isDirectory(dir)) return null;
        List<Path> jars = jars(dir);
        if (jars.isEmpty()) return null;
        if (jars.size() == 1 && sha256(jars.get(0)).equals(sha256)) return jars;
        return sha256(manifest(jars)).equals(sha256) ? jars : null;
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    private void discard(Path dir) throws IOException {
        Path aside = root.resolve(PART + UUID.randomUUID());
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.NoSuchFileException gone) {
            return; // another fetch discarded it first
        }
        deleteTree(aside);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /**
     * A folder of jars' manifest, whose SHA-256 is the folder's checksum: one line {@code <sha256>  <name>\n}
     * per jar, sorted by name (the output of {@code LC_ALL=C sha256sum *.jar} in the folder).
     */
    public static String manifest(List<Path> jars) throws IOException {
        List<Path> sorted = new ArrayList<>(jars);
        sorted.sort(Comparator.comparing(p -> p.getFileName().toString()));
        StringBuilder m = new StringBuilder();
        for (Path j : sorted) m.append(sha256(j)).append("  ").append(j.getFileName()).append('\n');
        return m.toString();
    }

    /** The SHA-256 of {@code text} (UTF-8) in lowercase hex. */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The SHA-256 of {@code file} in lowercase hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
