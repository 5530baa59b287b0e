#!/usr/bin/env bash
# The one command that runs every test, on a fresh machine too:
# picks a JDK >= 21, starts PostgreSQL and S3Mock (.ci/test-infra.sh), then `./mvnw -B -ntp verify`.
# Extra arguments go to Maven, e.g. `bash .ci/test.sh -pl flowcore-engine -am`.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=.ci/java-home.sh
source .ci/java-home.sh
trap 'bash .ci/test-infra.sh down' EXIT   # set first: a half-finished `up` is cleaned up too
bash .ci/test-infra.sh up
# shellcheck source=/dev/null
source "${FLOWCORE_INFRA_DIR:-/tmp/flowcore-infra}/env.sh"
# Tests that need a server fail instead of skipping when it is missing, so a run cannot pass by skipping.
export FLOWCORE_REQUIRE_INFRA=1

# A bound on the whole build, below CI's 90 minutes, so a hang still ends with the infrastructure stopped
# and the log written (each test has its own 5-minute bound, set in the parent pom).
timeout --kill-after=30s "${FLOWCORE_TEST_TIMEOUT:-80m}" ./mvnw -B -ntp verify "$@"
