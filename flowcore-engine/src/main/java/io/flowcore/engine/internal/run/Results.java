package io.flowcore.engine.internal.run;

import io.flowcore.api.spi.ResultStore;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Persisted task results, as JSON. A result's ref is what the run store keeps with the task run's state:
 * <ul>
 *   <li>{@code "null"} for a null result;</li>
 *   <li>{@code "json:"} followed by the JSON itself when it is at most {@code inlineLimit} bytes — the usual
 *       case: the result then travels with the Completed state through the store's journal and group
 *       commit, and costs no file of its own;</li>
 *   <li>otherwise a key in the {@link ResultStore} (the task run's id), where large results go.</li>
 * </ul>
 * Stores written before results were inlined hold only keys, which still read. A result that cannot be
 * serialized is logged and not persisted: caching and resume then run that task again rather than
 * return something wrong.
 */
final class Results {
    static final String NULL_REF = "null";
    static final String INLINE_PREFIX = "json:";
    static final Object NULL_VALUE = new Object();

    private final ResultStore store;
    private final int inlineLimit;

    Results(ResultStore store, int inlineLimit) {
        this.store = store;
        this.inlineLimit = inlineLimit;
    }

    ResultStore store() {
        return store;
    }

    /** Persists {@code value}; returns its ref, or null when it cannot be persisted. */
    String write(TaskRun run, Object value) {
        if (value == null) return NULL_REF;
        try {
            // Whole numbers and booleans are their own JSON: the common small result skips Jackson's
            // generator set-up, which stood out in the engine benchmark's profile.
            if (value instanceof Integer || value instanceof Long || value instanceof Boolean
                    || value instanceof Short || value instanceof Byte) {
                String json = value.toString();
                if (json.length() <= inlineLimit) return INLINE_PREFIX + json;
            }
            byte[] json = ResultCodec.INSTANCE.encode(value);
            if (json.length <= inlineLimit) return INLINE_PREFIX + new String(json, StandardCharsets.UTF_8);
            String key = run.id.toString();
            store.write(key, json);
            return key;
        } catch (IOException | RuntimeException e) {
            RunLogs.ENGINE.warn("{}: result of type {} cannot be persisted, so caching and resume will run this task "
                    + "again: {}", run.label(), value.getClass().getName(), Errors.describe(e));
            return null;
        }
    }

    /** The value under {@code ref} as the method's return type; {@link #NULL_VALUE} for null; empty when gone. */
    Optional<Object> read(String ref, Method method) {
        if (ref == null) return Optional.empty();
        if (NULL_REF.equals(ref)) return Optional.of(NULL_VALUE);
        try {
            Object v;
            if (ref.startsWith(INLINE_PREFIX)) {
                v = ResultCodec.INSTANCE.decode(ref.substring(INLINE_PREFIX.length()), method.getGenericReturnType());
            } else {
                Optional<byte[]> bytes = store.read(ref);
                if (bytes.isEmpty()) return Optional.empty();
                v = ResultCodec.INSTANCE.decode(bytes.get(), method.getGenericReturnType());
            }
            return Optional.of(v == null ? NULL_VALUE : v);
        } catch (IOException e) {
            RunLogs.ENGINE.warn("persisted result {} cannot be read as {}: {}; running the task again",
                    ref.startsWith(INLINE_PREFIX) ? "(stored with the task run)" : ref,
                    method.getGenericReturnType(), Errors.describe(e));
            return Optional.empty();
        }
    }
}
