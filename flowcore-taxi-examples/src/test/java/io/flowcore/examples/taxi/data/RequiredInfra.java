package io.flowcore.examples.taxi.data;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one check every test of a real server goes through: reads the server's settings from the
 * environment (written by {@code bash .ci/test-infra.sh up} to {@code /tmp/flowcore-infra/env.sh}).
 * When one is missing the test is aborted locally, but fails under {@code CI=true} or
 * {@code FLOWCORE_REQUIRE_INFRA=1}, so a CI run can never pass by skipping.
 */
final class RequiredInfra {
    private RequiredInfra() {
    }

    /** PostgreSQL connection settings. */
    record Postgres(String url, String user, String password) {
    }

    /** The PostgreSQL settings, or abort/fail as described above. */
    static Postgres postgres() {
        return new Postgres(env("FLOWCORE_PG_URL"), env("FLOWCORE_PG_USER"), env("FLOWCORE_PG_PASSWORD"));
    }

    /** The value of {@code name}, or abort/fail naming it and how to set it. */
    static String env(String name) {
        String value = System.getenv(name);
        if (value != null && !value.isBlank()) return value;
        String msg = name + " is not set: run `bash .ci/test-infra.sh up && source /tmp/flowcore-infra/env.sh`";
        if ("true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FLOWCORE_REQUIRE_INFRA"))) {
            Assertions.fail(msg + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
        }
        Assumptions.abort(msg);
        return null; // unreachable
    }
}
