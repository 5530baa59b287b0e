package io.flowcore.engine.internal.run;

import io.flowcore.api.CacheMode;
import io.flowcore.engine.internal.discovery.TaskDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

/**
 * Cache keys: SHA-256 of the task's identity, its inputs as canonical JSON and, for
 * {@link CacheMode#INPUTS_AND_SOURCE}, a hash of the declaring class's bytecode. An input that has no
 * stable value (a stream, a lambda, a connection…) is an error that names the parameter: two calls
 * must never share a key by accident.
 */
final class CacheKeys {
    private static final ConcurrentHashMap<Class<?>, String> CODE_VERSIONS = new ConcurrentHashMap<>();

    private CacheKeys() {
    }

    static String of(TaskDefinition task, Object[] args) {
        MessageDigest sha = sha256();
        sha.update(task.key().getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < args.length; i++) {
            sha.update((byte) 0);
            sha.update(stableBytes(task, i, args[i]));
        }
        if (task.options().cache() == CacheMode.INPUTS_AND_SOURCE) {
            sha.update((byte) 1);
            sha.update(codeVersion(task.method().getDeclaringClass()).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] stableBytes(TaskDefinition task, int index, Object arg) {
        if (arg == null) return new byte[] {'n'};
        Class<?> c = arg.getClass();
        String problem = null;
        if (c.isHidden() || c.isSynthetic()) problem = "it is a lambda or generated class";
        else if (arg instanceof InputStream || arg instanceof java.io.OutputStream || arg instanceof java.io.Reader
                || arg instanceof java.io.Writer || arg instanceof AutoCloseable) problem = "it is a stream or resource";
        else if (arg instanceof Iterator || arg instanceof BaseStream) problem = "it is an iterator or stream";
        else if (arg instanceof Thread || arg instanceof Future) problem = "it is a thread or future";
        if (problem == null) {
            try {
                return ResultCodec.INSTANCE.encode(arg);
            } catch (IOException | RuntimeException e) {
                problem = "it cannot be serialized to JSON (" + e.getMessage().lines().findFirst().orElse("") + ")";
            }
        }
        throw new IllegalArgumentException("task '" + task.options().name() + "': cannot compute a cache key: parameter '"
                + task.paramNames().get(index) + "' of type " + c.getName() + " has no stable value because " + problem
                + ". Pass a value type (record, String, number, Path, collection of these) or use cache = NONE.");
    }

    static String codeVersion(Class<?> type) {
        return CODE_VERSIONS.computeIfAbsent(type, t -> {
            String resource = t.getName().replace('.', '/') + ".class";
            try (InputStream in = t.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("cannot read the bytecode of " + t.getName());
                return HexFormat.of().formatHex(sha256().digest(in.readAllBytes()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the bytecode of " + t.getName() + ": " + e, e);
            }
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
