package io.flowcore.engine.internal.run;

/** Short descriptions of exceptions for state messages. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
