#!/usr/bin/env bash
# Builds flowcore and runs the taxi demo (io.flowcore.examples.taxi.TaxiDemo): offline, on embedded defaults.
# Extra arguments go to the demo.
set -euo pipefail
exec bash "$(dirname "$0")/.ci/run-main.sh" flowcore-taxi-examples io.flowcore.examples.taxi.TaxiDemo "$@"
