#!/usr/bin/env bash
# Builds flowcore and runs the demo (io.flowcore.examples.Demo in flowcore-taxi-examples).
# Extra arguments go to the demo.
set -euo pipefail
exec bash "$(dirname "$0")/.ci/run-main.sh" flowcore-taxi-examples io.flowcore.examples.Demo "$@"
