package io.flowcore.blocks.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers the integration tests talk to, from the environment written by
 * {@code .ci/test-infra.sh up}. When a variable is missing a test is skipped locally, but fails
 * under {@code CI=true} or {@code FLOWCORE_REQUIRE_INFRA=1}, so CI can never pass by skipping.
 */
public final class Infra {
    private Infra() {
    }

    /** The value of {@code name}; skips (or, on CI, fails) the test when it is not set. */
    public static String require(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            String why = name + " is not set: run `bash .ci/test-infra.sh up && source /tmp/flowcore-infra/env.sh`";
            if (required()) Assertions.fail(why + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
            Assumptions.abort(why);
        }
        return v;
    }

    /** True when missing infrastructure must fail the build. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FLOWCORE_REQUIRE_INFRA"));
    }
}
