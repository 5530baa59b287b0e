package io.flowcore.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker engine that {@code .ci/test-infra.sh up} starts. Without one a container test is skipped on a
 * developer machine and fails on CI ({@code CI=true}) or with {@code FLOWCORE_REQUIRE_INFRA=1}, so that
 * CI cannot pass by skipping (as the engine's {@code TestInfra} does for servers).
 */
final class DockerInfra {
    private DockerInfra() {
    }

    static void require() {
        if (DockerClientFactory.instance().isDockerAvailable()) return;
        String hint = "no Docker engine answers: run `bash .ci/test-infra.sh up`";
        if ("true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FLOWCORE_REQUIRE_INFRA"))) {
            Assertions.fail(hint + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
        }
        Assumptions.abort(hint);
    }
}
