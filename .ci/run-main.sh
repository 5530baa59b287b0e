#!/usr/bin/env bash
# Usage: JAVA_OPTS="..." bash .ci/run-main.sh MODULE MAIN_CLASS [ARGS...]
# Runs MAIN_CLASS of MODULE with plain `java -cp`, building MODULE and the modules it needs first
# when one of their sources changed since the last build (.ci/launcher.sh); else Maven is skipped.
# Used by run-demo.sh and flowcore-bench/run.sh (./flowcore runs the CLI from its own distribution).
# Why not exec:java: without `mvn install` a single module cannot see its siblings, and with
# -am exec:java would run in every module. Inside one reactor build the siblings resolve to
# their target/ jars, so `package` + `dependency:build-classpath` gives a working classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 MODULE MAIN_CLASS [ARGS...]" >&2; exit 2; }
module=$1 main=$2; shift 2

# shellcheck source=.ci/java-home.sh
source .ci/java-home.sh
# shellcheck source=.ci/launcher.sh
source .ci/launcher.sh
cpfile=$module/target/run-classpath.txt   # relative paths in plugin File parameters resolve per module
stamp=$module/target/run-main.stamp

build() {
  ./mvnw -B -ntp -q -DskipTests -pl "$module" -am package dependency:build-classpath \
    -Dmdep.outputFile=target/run-classpath.txt -DincludeScope=runtime >&2
}
# The stamp only vouches for the sources: build again if a jar on the classpath is gone (a `clean`).
classpath_complete() {
  local IFS=: entry
  [ -f "$cpfile" ] || return 1
  for entry in $(<"$cpfile"); do [ -e "$entry" ] || return 1; done
}
classpath_complete || rm -f "$stamp"
mapfile -t sources < <(fc_module_sources "$PWD" "$module")
fc_build_if_changed "$stamp" build "${sources[@]}"
# shellcheck disable=SC2086  # JAVA_OPTS is a list of options on purpose
exec java ${JAVA_OPTS:-} -cp "$module/target/classes:$(cat "$cpfile")" "$main" "$@"
