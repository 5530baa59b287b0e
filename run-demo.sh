#!/usr/bin/env bash
# Runs the taxi demo (io.flowcore.examples.taxi.TaxiDemo): offline, on embedded defaults. Builds flowcore
# first when its sources changed since the last build (.ci/run-main.sh).
# Extra arguments go to the demo.
set -euo pipefail
exec bash "$(dirname "$0")/.ci/run-main.sh" flowcore-taxi-examples io.flowcore.examples.taxi.TaxiDemo "$@"
