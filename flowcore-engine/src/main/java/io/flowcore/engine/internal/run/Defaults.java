package io.flowcore.engine.internal.run;

/**
 * The zero value of a type: what a task call captured by {@code Tasks.submit} returns, and what a flow
 * parameter that was not given is bound to.
 */
public final class Defaults {
    private Defaults() {
    }

    public static Object of(Class<?> type) {
        if (!type.isPrimitive() || type == void.class) return null;
        if (type == boolean.class) return false;
        if (type == char.class) return '\0';
        if (type == long.class) return 0L;
        if (type == double.class) return 0d;
        if (type == float.class) return 0f;
        if (type == int.class) return 0;
        if (type == short.class) return (short) 0;
        return (byte) 0;
    }
}
