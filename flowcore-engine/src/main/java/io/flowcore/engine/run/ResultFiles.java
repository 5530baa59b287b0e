package io.flowcore.engine.run;

import io.flowcore.api.spi.ResultStore;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Persisted task results: JSON in the {@link ResultStore}, under the task run's id. A null result is
 * the ref {@code "null"} and stores nothing. A result that cannot be serialized is logged and not
 * persisted: caching and resume then run that task again rather than return something wrong.
 */
final class ResultFiles {
    static final String NULL_REF = "null";
    static final Object NULL_VALUE = new Object();

    private final ResultStore store;
    private final RunLogs logs;

    ResultFiles(ResultStore store, RunLogs logs) {
        this.store = store;
        this.logs = logs;
    }

    /** Persists {@code value}; returns its ref, or null when it cannot be persisted. */
    String write(TaskRun run, Object value) {
        if (value == null) return NULL_REF;
        try {
            String key = run.id.toString();
            store.write(key, ResultCodec.INSTANCE.encode(value));
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
        Optional<byte[]> bytes = store.read(ref);
        if (bytes.isEmpty()) return Optional.empty();
        try {
            Object v = ResultCodec.INSTANCE.decode(bytes.get(), method.getGenericReturnType());
            return Optional.of(v == null ? NULL_VALUE : v);
        } catch (IOException e) {
            RunLogs.ENGINE.warn("persisted result {} cannot be read as {}: {}; running the task again", ref,
                    method.getGenericReturnType(), Errors.describe(e));
            return Optional.empty();
        }
    }
}
