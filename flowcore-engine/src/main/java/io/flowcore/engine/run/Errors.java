package io.flowcore.engine.run;

/** Short descriptions of exceptions for state messages. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
