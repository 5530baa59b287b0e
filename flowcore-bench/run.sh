#!/usr/bin/env bash
# Usage: flowcore-bench/run.sh engine|taxi|taxi-months|orchestration|crash|server|schedules [ARGS...]   (ARGS go to the benchmark)
# Builds what the benchmarks need and runs one of them on a JDK >= 21.
set -euo pipefail
case "${1:-}" in
  engine) main=io.flowcore.bench.EngineBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx1g" ;;
  taxi)   main=io.flowcore.bench.TaxiBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx256m" ;;
  taxi-months) main=io.flowcore.bench.TaxiMonthsBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx256m" ;;
  # the worker processes it starts are JVMs of their own (-Xmx256m each)
  orchestration) main=io.flowcore.bench.orchestration.OrchestrationBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx512m" ;;
  # exactly-once under a crash: worker 0 of 4 is killed with SIGKILL halfway
  crash) main=io.flowcore.bench.orchestration.CrashBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx512m" ;;
  server) main=io.flowcore.bench.server.ServerBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx1g" ;;
  schedules) main=io.flowcore.bench.schedule.ScheduleBench; export JAVA_OPTS="${JAVA_OPTS:-} -Xmx512m" ;;
  *) echo "usage: $0 engine|taxi|taxi-months|orchestration|crash|server|schedules [ARGS...]  (unknown benchmark '${1:-}'; valid: engine, taxi, taxi-months, orchestration, crash, server, schedules)" >&2; exit 2 ;;
esac
# The bench's own logging (quiet engine lines); the examples' logback.xml is on the classpath too.
export JAVA_OPTS="$JAVA_OPTS -Dlogback.configurationFile=logback-bench.xml --enable-native-access=ALL-UNNAMED"
shift
exec bash "$(dirname "$0")/../.ci/run-main.sh" flowcore-bench "$main" "$@"
